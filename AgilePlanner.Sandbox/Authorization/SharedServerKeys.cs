using System.Security.Cryptography;
using AgilePlanner.Sandbox.Storage.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace AgilePlanner.Sandbox.Authorization;

/// <summary>
/// With PostgreSQL: the server's RSA signing and encryption keys live in the database, each PEM protected with Data Protection,
/// so every instance signs, encrypts and validates with the same keys and no file is shared. The seeder loads them (creating
/// them once, under its lock) before the sandbox is ready; OpenIddict's options read them from here, on the first request under
/// /sandbox, which waits for readiness.
/// </summary>
internal sealed class SharedServerKeys(IDataProtectionProvider dataProtection) : IConfigureOptions<OpenIddictServerOptions>
{
    internal const string Signing = "signing";
    internal const string Encryption = "encryption";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("AgilePlanner.Sandbox.ServerKeys");
    private RsaSecurityKey? _signing;
    private RsaSecurityKey? _encryption;

    /// <summary>Reads both keys, creating a missing one; the caller holds the seeding lock, so only one instance creates them.</summary>
    public async Task LoadOrCreateAsync(PostgreSqlSandboxDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var stored = await db.ServerKeys.ToDictionaryAsync(key => key.Name, cancellationToken);
        foreach (var name in new[] { Signing, Encryption }.Where(name => !stored.ContainsKey(name)))
        {
            using var rsa = RSA.Create(2048);
            var key = new ServerKey { Name = name, ProtectedPem = _protector.Protect(rsa.ExportPkcs8PrivateKeyPem()), CreatedAt = now };
            db.ServerKeys.Add(key);
            stored[name] = key;
        }
        await db.SaveChangesAsync(cancellationToken);

        // Keys protected by another instance unprotect here only when Data Protection's key ring is shared too.
        _signing = Unprotect(stored[Signing]);
        _encryption = Unprotect(stored[Encryption]);
    }

    public void Configure(OpenIddictServerOptions options)
    {
        if (_signing is null || _encryption is null)
        {
            throw new InvalidOperationException("The sandbox's server keys are read from its database before it is ready; nothing under /sandbox runs before that.");
        }
        options.SigningCredentials.Add(new SigningCredentials(_signing, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(_encryption, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private RsaSecurityKey Unprotect(ServerKey key)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(_protector.Unprotect(key.ProtectedPem));
        return new RsaSecurityKey(rsa) { KeyId = SigningKeys.KeyIdOf(rsa) };
    }
}
