#!/usr/bin/env bash
# Regenerates the README's pictures of the flow (docs/images/) from the browser tests' screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."

shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT

# CI=true turns a missing Chromium into a failure instead of a silent skip with no pictures.
CI=true BROWSER_SCREENSHOTS="$shots" dotnet test AgilePlanner.WebApp.Tests \
  --filter "FullyQualifiedName~Browser.ConnectFlowTests.Connect_sign_in_and_allow|FullyQualifiedName~Browser.ConnectFlowTests.Deny_at_the_consent_page|FullyQualifiedName~Browser.IterationTabsTests.Every_demo_project|FullyQualifiedName~Browser.FlowPageDiagramTests.A_connection_is_drawn"

# picture <test method> <step> <README name>: the step's screenshot, as saved by BrowserSession.SnapAsync.
picture() {
  local found
  found=$(find "$shots/$1" -name "*-$2.png" | sort | head -n 1)
  if [[ -z "$found" ]]; then
    echo "no '$2' screenshot from $1" >&2
    exit 1
  fi
  cp "$found" "docs/images/$3.png"
  echo "docs/images/$3.png"
}

mkdir -p docs/images
flow=Connect_sign_in_and_allow_shows_the_account_and_projects_until_Disconnect
picture "$flow" home 1-home
picture "$flow" sandbox-signin 2-sandbox-signin
picture "$flow" consent 3-consent
picture "$flow" account 4-account
picture "$flow" projects 5-projects
# The second demo project: its iteration ids differ from their numbers, so its stories show the API is asked by number.
picture Every_demo_project_shows_stories_on_every_iteration_tab second-project 6-project
picture Deny_at_the_consent_page_shows_that_nothing_was_shared denied 7-denied
# The flow page's sequence diagram, cut to the diagram itself (saved by FlowPageDiagramTests).
picture A_connection_is_drawn_as_one_arrow_a_step_and_each_arrow_opens_its_step diagram 8-flow-diagram
