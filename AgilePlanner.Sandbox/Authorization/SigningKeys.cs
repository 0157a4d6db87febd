using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// With SQLite: the server's RSA signing and encryption keys, generated on first start and kept as PEM files in the data
/// directory, so tokens issued before a restart stay valid after it and nothing depends on the machine.
/// </summary>
internal static class SigningKeys
{
    public static RsaSecurityKey LoadOrCreate(string dataDirectory, string name)
    {
        var folder = Path.Combine(dataDirectory, "sandbox-keys");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".pem");

        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            rsa.KeySize = 2048;
            TryWriteNew(path, rsa.ExportPkcs8PrivateKeyPem());
        }

        // Read back even after writing: another instance sharing the folder may have won the race.
        rsa.ImportFromPem(File.ReadAllText(path));
        return new RsaSecurityKey(rsa) { KeyId = KeyIdOf(rsa) };
    }

    private static void TryWriteNew(string path, string pem)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            writer.Write(pem);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created meanwhile by another instance: its key is used.
        }
    }

    internal static string KeyIdOf(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
}
