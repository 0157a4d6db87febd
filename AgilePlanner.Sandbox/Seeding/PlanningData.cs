using AgilePlanner.Sandbox.Planning;

namespace AgilePlanner.Sandbox.Seeding;

/// <summary>Builds believable projects: the demo account's three, and the starter project every new account gets.</summary>
internal static class PlanningData
{
    private static readonly string[] Team = ["Ada Lovelace", "Charles Babbage", "Mary Somerville", "Augustus De Morgan"];
    private static readonly string[] LabelPool = ["ui", "api", "performance", "docs", "security", "billing"];
    private static readonly int[] FeaturePoints = [1, 2, 3, 5, 8];

    private static readonly (string Name, string Description, string[] Features, string[] Bugs, string[] Chores)[] DemoProjects =
    [
        ("Analytical Engine", "The general-purpose mechanical computer: mill, store and card reader.",
            ["Read operation cards", "Carry in the mill", "Store of a thousand numbers", "Print results on the curve drawer",
             "Conditional jump on sign", "Loop over variable cards", "Punch results to cards", "Bernoulli numbers program",
             "Variable card validation", "Mill microprogram barrels"],
            ["Carry lever sticks at 40 digits", "Card reader skips after a loop", "Store column off by one", "Printer smudges negative numbers"],
            ["Oil the mill", "Catalogue the cards", "Draw the notation diagrams", "Order brass for the store"]),
        ("Difference Engine No. 2", "A calculator of polynomial tables, thirty-one digits, built to the 1849 drawings.",
            ["Tabulate seventh differences", "Stereotype printer output", "Hand crank gearing", "Half-zero carry",
             "Result rounding", "Column initial values", "Table layout options", "Error warning bell"],
            ["Carry warrants jam", "Printer line feed doubles", "Crank too stiff at full load"],
            ["Review the 1849 drawings", "Machine bronze wheels", "Calibrate the columns"]),
        ("Notes on the Menabrea memoir", "Translation of Menabrea's memoir with the translator's notes A to G.",
            ["Translate the memoir", "Note A: the engine and its scope", "Note G: Bernoulli numbers table",
             "Diagram of the operations", "Index of notation", "Letters to Babbage for review"],
            ["Mistake in the Bernoulli table", "Figure references out of order"],
            ["Proofread the translation", "Send the manuscript to Taylor's Scientific Memoirs"]),
    ];

    public static List<Project> DemoProjectsFor(string ownerId, DateTime now)
    {
        var projects = new List<Project>();
        for (var index = 0; index < DemoProjects.Length; index++)
        {
            var (name, description, features, bugs, chores) = DemoProjects[index];
            projects.Add(Build(ownerId, now, name, description, features, bugs, chores,
                doneIterations: 3 + index, plannedIterations: 2, memberCount: 4 - index, seed: 17 + index));
        }
        return projects;
    }

    public static Project StarterProjectFor(string ownerId, DateTime now) =>
        Build(ownerId, now, "My first project", "A starter project: add stories, plan iterations, try the API.",
            ["Sign up for Agile Planner", "Connect an application"], ["Fix the first bug"], ["Invite the team"],
            doneIterations: 0, plannedIterations: 1, memberCount: 1, seed: 1);

    private static Project Build(
        string ownerId, DateTime now, string name, string description,
        string[] features, string[] bugs, string[] chores,
        int doneIterations, int plannedIterations, int memberCount, int seed)
    {
        var random = new Random(seed);
        var today = DateTime.SpecifyKind(now.Date, DateTimeKind.Utc);
        var currentStart = today.AddDays(-(int)today.DayOfWeek + 1 - 7 * (seed % 2));
        var project = new Project
        {
            OwnerId = ownerId,
            Name = name,
            Description = description,
            MemberCount = memberCount,
            UpdatedAt = now,
        };

        var iterationCount = doneIterations + 1 + plannedIterations;
        for (var number = 1; number <= iterationCount; number++)
        {
            var start = currentStart.AddDays(14 * (number - doneIterations - 1));
            project.Iterations.Add(new Iteration
            {
                Number = number,
                Name = $"Iteration {number}",
                Start = start,
                Finish = start.AddDays(14),
                State = number <= doneIterations ? IterationState.Done
                    : number == doneIterations + 1 ? IterationState.Current
                    : IterationState.Planned,
            });
        }

        // Every title makes one story; each type is spread over every iteration so each page has a mix.
        var work = features.Select(t => (Title: t, Type: StoryType.Feature))
            .Concat(bugs.Select(t => (Title: t, Type: StoryType.Bug)))
            .Concat(chores.Select(t => (Title: t, Type: StoryType.Chore)))
            .OrderBy(_ => random.Next())
            .ToList();
        var repeat = Math.Max(1, (iterationCount * 4 + work.Count - 1) / work.Count);
        var position = 0;
        var inCurrent = 0;
        for (var round = 0; round < repeat; round++)
        {
            foreach (var (title, type) in work)
            {
                var iteration = project.Iterations[position % iterationCount];
                position++;
                var state = iteration.State switch
                {
                    IterationState.Done => StoryState.Accepted,
                    IterationState.Planned => StoryState.Unstarted,
                    _ => (StoryState)(inCurrent++ % 4),
                };
                var updated = (iteration.Start < now ? iteration.Start : now).AddHours(random.Next(1, 200));
                project.Stories.Add(new Story
                {
                    IterationNumber = iteration.Number,
                    Title = round == 0 ? title : $"{title} (part {round + 1})",
                    Type = type,
                    State = state,
                    Points = type == StoryType.Feature ? FeaturePoints[random.Next(FeaturePoints.Length)] : null,
                    OwnerName = state == StoryState.Unstarted ? null : Team[random.Next(Team.Length)],
                    Labels = [.. LabelPool.OrderBy(_ => random.Next()).Take(random.Next(0, 3))],
                    UpdatedAt = updated > now ? now : updated,
                });
            }
        }
        return project;
    }
}
