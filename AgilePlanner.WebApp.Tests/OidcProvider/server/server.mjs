// An authorization server no one on this project wrote (panva's oidc-provider), configured from the environment,
// with a plain sign-in and consent interaction and a small API of the Agile Planner contract in the same process.
// Started by the tests' OidcProviderServer fixture on a loopback port; it prints one "listening ISSUER" line when ready.
import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider, { errors } from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
};

const port = Number(env('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const apiBase = `${issuer}/api/v1`;
const redirectUris = env('OIDC_REDIRECT_URIS').split(/\s+/).filter(Boolean);
const requirePar = env('OIDC_REQUIRE_PAR', 'false') === 'true';
const accessTokenTtl = Number(env('OIDC_ACCESS_TOKEN_TTL', '3600'));

const clientDefaults = {
  redirect_uris: redirectUris,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: 'read write',
};
const clients = [{
  ...clientDefaults,
  client_id: env('OIDC_CLIENT_ID'),
  client_secret: env('OIDC_CLIENT_SECRET'),
  client_name: 'Agile Planner Connect',
  token_endpoint_auth_method: env('OIDC_CLIENT_AUTH_METHOD', 'client_secret_post'),
}];
if (process.env.OIDC_KEY_CLIENT_ID) {
  clients.push({
    ...clientDefaults,
    client_id: process.env.OIDC_KEY_CLIENT_ID,
    client_name: 'Agile Planner Connect (key)',
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: JSON.parse(readFileSync(env('OIDC_KEY_CLIENT_JWKS_FILE'), 'utf8')),
  });
}

// The demo account of the contract, and its projects.
const account = {
  id: 'ada',
  name: 'Ada Lovelace',
  email: 'demo@agileplanner.test',
  password: 'agile-demo',
  company: 'Analytical Engines Ltd',
  timeZone: 'Europe/London',
  createdAt: '2026-01-05T09:00:00Z',
};
const projects = [
  { id: 1, name: 'Difference Engine', description: 'Tables by the method of differences.', velocity: 21, currentIteration: 3, memberCount: 4, updatedAt: '2026-11-30T10:00:00Z' },
  { id: 2, name: 'Analytical Engine', description: 'A general-purpose mill and store.', velocity: 34, currentIteration: 2, memberCount: 6, updatedAt: '2026-11-29T15:30:00Z' },
  { id: 3, name: 'Notes on the Engine', description: 'Note G and the Bernoulli numbers.', velocity: 13, currentIteration: 1, memberCount: 2, updatedAt: '2026-11-28T08:15:00Z' },
];
const iterations = new Map(projects.map((project) => [project.id, Array.from({ length: project.currentIteration + 1 }, (_, i) => ({
  id: project.id * 100 + i + 1,
  number: i + 1,
  name: `Iteration ${i + 1}`,
  start: new Date(Date.UTC(2026, 9, 5 + 14 * i)).toISOString(),
  finish: new Date(Date.UTC(2026, 9, 18 + 14 * i)).toISOString(),
  state: i + 1 < project.currentIteration ? 'done' : i + 1 === project.currentIteration ? 'current' : 'planned',
  points: 0,
}))]));
let nextStoryId = 1;
const stories = new Map(projects.map((project) => [project.id, iterations.get(project.id).flatMap((iteration) => ['feature', 'bug', 'chore'].map((type, i) => ({
  id: nextStoryId++,
  iteration: iteration.number,
  title: `${type === 'feature' ? 'Add' : type === 'bug' ? 'Fix' : 'Tidy'} ${project.name} part ${iteration.number}.${i + 1}`,
  type,
  state: iteration.state === 'done' ? 'accepted' : iteration.state === 'current' ? ['started', 'unstarted', 'finished'][i] : 'unstarted',
  points: type === 'chore' ? null : i + 1,
  ownerName: i === 0 ? account.name : null,
  labels: [type],
  updatedAt: project.updatedAt,
})))]));
for (const [projectId, list] of iterations) {
  for (const iteration of list) {
    iteration.points = stories.get(projectId).filter((s) => s.iteration === iteration.number).reduce((sum, s) => sum + (s.points ?? 0), 0);
  }
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID(), randomUUID()] },
  scopes: ['openid', 'offline_access', 'read', 'write'],
  responseTypes: ['code'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: accessTokenTtl,
    AuthorizationCode: 300,
    RefreshToken: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    Interaction: 600,
    Session: 8 * 3600,
    PushedAuthorizationRequest: 60,
  },
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: requirePar },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Every token is for the contract API; a request without a resource parameter gets it too.
      defaultResource: () => apiBase,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        if (resourceIndicator !== apiBase) {
          throw new errors.InvalidTarget();
        }
        return { scope: 'read write', audience: apiBase, accessTokenFormat: 'opaque', accessTokenTTL: accessTokenTtl };
      },
    },
  },
  findAccount: async (ctx, id) => (id === account.id ? {
    accountId: id,
    claims: async () => ({ sub: id, name: account.name, email: account.email }),
  } : undefined),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('This request cannot be completed', `<p id="error">${escape(out.error)}</p><p id="error-description">${escape(out.error_description ?? '')}</p>`);
  },
});
provider.proxy = false;

// RFC 8252 section 7.3: a loopback redirect URI matches on any port, as at the sandbox.
const { redirectUriAllowed } = provider.Client.prototype;
provider.Client.prototype.redirectUriAllowed = function allowed(value) {
  if (redirectUriAllowed.call(this, value)) {
    return true;
  }
  let asked;
  try {
    asked = new URL(value);
  } catch {
    return false;
  }
  return asked.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(asked.hostname)
    && this.redirectUris.some((registered) => {
      const known = new URL(registered);
      return known.protocol === 'http:' && known.hostname === asked.hostname && known.pathname === asked.pathname && known.search === asked.search;
    });
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;

const readForm = async (ctx) => {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > 16_384) {
      ctx.throw(413);
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const signInPage = (uid, message) => page('Sign in to the test provider', `
${message ? `<p id="message" role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>Email <input name="email" type="email" autocomplete="username"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>`);

const consentPage = (uid, clientName, scopes) => page(`Allow ${clientName} to use your account?`, `
<ul class="scopes">${scopes.map((scope) => `<li>${escape(scope)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${uid}/confirm">
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny">Deny</button>
</form>`);

async function interactions(ctx, next) {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(ctx.path);
  if (!match) {
    return next();
  }
  const [, uid, action] = match;
  ctx.set('Cache-Control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) {
    ctx.throw(400, 'interaction mismatch');
  }
  const client = await provider.Client.find(details.params.client_id);
  if (ctx.method === 'GET' && !action) {
    ctx.type = 'html';
    if (details.prompt.name === 'login') {
      ctx.body = signInPage(uid);
    } else {
      const scopes = [...new Set([...(details.prompt.details.missingOIDCScope ?? []),
        ...Object.values(details.prompt.details.missingResourceScopes ?? {}).flat()])];
      ctx.body = consentPage(uid, client?.clientName ?? details.params.client_id, scopes);
    }
    return undefined;
  }
  if (ctx.method !== 'POST') {
    ctx.throw(405);
  }
  const form = await readForm(ctx);
  if (action === 'login') {
    if (form.get('email') !== account.email || form.get('password') !== account.password) {
      ctx.type = 'html';
      ctx.status = 200;
      ctx.body = signInPage(uid, 'That email and password do not match an account.');
      return undefined;
    }
    return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(ctx.req, ctx.res, {
        error: 'access_denied',
        error_description: 'The user denied the application access to their account.',
      }, { mergeWithLastSubmission: false });
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) {
      grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    }
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return ctx.throw(404);
}

// The contract API: every call checks its bearer token with the provider itself (RFC 6750).
async function api(ctx, next) {
  if (!ctx.path.startsWith('/api/v1/')) {
    return next();
  }
  ctx.set('Cache-Control', 'no-store');
  const deny = (status, header) => {
    ctx.status = status;
    ctx.set('WWW-Authenticate', header);
    ctx.body = '';
  };
  const authorization = ctx.get('Authorization');
  const value = /^Bearer ([\w.~+/-]+=*)$/i.exec(authorization)?.[1];
  const token = value ? await provider.AccessToken.find(value) : undefined;
  if (!token || token.isExpired || token.aud !== apiBase) {
    return deny(401, 'Bearer error="invalid_token"');
  }
  const scopes = new Set(String(token.scope ?? '').split(' '));
  const needed = ctx.method === 'GET' ? 'read' : 'write';
  if (!scopes.has(needed)) {
    return deny(403, `Bearer error="insufficient_scope", scope="${needed}"`);
  }
  const notFound = () => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: 'There is nothing at this address.' };
  };
  const list = (items) => {
    const limit = Math.min(Math.max(Number(ctx.query.limit ?? 25) || 25, 1), 100);
    const offset = Number(ctx.query.cursor ?? 0) || 0;
    const slice = items.slice(offset, offset + limit);
    ctx.body = { items: slice, nextCursor: offset + limit < items.length ? String(offset + limit) : null };
  };
  const path = ctx.path.slice('/api/v1'.length);
  let match;
  if (ctx.method === 'GET' && path === '/me') {
    const { password, ...me } = account;
    ctx.body = me;
  } else if (ctx.method === 'GET' && path === '/projects') {
    list(projects);
  } else if ((match = /^\/projects\/(\d+)(\/iterations|\/stories)?$/.exec(path))) {
    const project = projects.find((p) => p.id === Number(match[1]));
    if (!project) {
      return notFound();
    }
    if (!match[2] && ctx.method === 'GET') {
      ctx.body = project;
    } else if (match[2] === '/iterations' && ctx.method === 'GET') {
      list(iterations.get(project.id));
    } else if (match[2] === '/stories' && ctx.method === 'GET') {
      const iteration = ctx.query.iteration ? Number(ctx.query.iteration) : undefined;
      list(stories.get(project.id)
        .filter((s) => (iteration === undefined || s.iteration === iteration) && (!ctx.query.state || s.state === ctx.query.state))
        .map(({ iteration: _, ...story }) => story));
    } else if (match[2] === '/stories' && ctx.method === 'POST') {
      let body;
      try {
        const chunks = [];
        for await (const chunk of ctx.req) chunks.push(chunk);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      if (!body?.title || !['feature', 'bug', 'chore'].includes(body.type)) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', message: 'A story needs a title and a type: feature, bug or chore.' };
        return undefined;
      }
      const story = { id: nextStoryId++, title: String(body.title), type: body.type, state: 'unstarted', points: body.points ?? null, ownerName: null, labels: [], updatedAt: new Date().toISOString() };
      stories.get(project.id).push({ ...story, iteration: project.currentIteration });
      ctx.status = 201;
      ctx.set('Location', `${apiBase}/projects/${project.id}/stories/${story.id}`);
      ctx.body = story;
    } else {
      notFound();
    }
  } else {
    notFound();
  }
  return undefined;
}

provider.use(interactions);
provider.use(api);

const server = provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The fixture closes stdin when it stops; a test run that dies takes this process with it.
process.stdin.on('end', stop);
process.stdin.resume();
