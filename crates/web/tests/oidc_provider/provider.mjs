// A real OpenID Connect provider (npm's oidc-provider) for Steward's single
// sign-on tests (crates/web/tests/api/oidc.rs). Listens on a free port of
// 127.0.0.1 and prints one JSON line: {"issuer": "http://127.0.0.1:PORT"}.
//
// Environment:
//   REDIRECT_URI   the Steward callback registered for the client
//   CLIENT_ID, CLIENT_SECRET
//   USERS_FILE     JSON {login: {name, email, groups}}, read at each sign-in
//                  (the test rewrites it to change a user's groups)
//   AUTH_METHOD    client_secret_basic (default) or client_secret_post: the
//                  client's, and then the only one the provider offers
//   ID_TOKEN_ALG   RS256 (default) or ES256
//
// Sign-in uses oidc-provider's development interactions: a form with any
// login (an entry of USERS_FILE) and any password, then a consent form.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] ?? fallback;
const users = () => JSON.parse(readFileSync(env('USERS_FILE'), 'utf8'));

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env('CLIENT_ID', 'steward'),
      client_secret: env('CLIENT_SECRET', 'steward-secret'),
      redirect_uris: [env('REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: env('AUTH_METHOD', 'client_secret_basic'),
      id_token_signed_response_alg: env('ID_TOKEN_ALG', 'RS256'),
    }],
    jwks: { keys: [{ ...rsa, kid: 'rsa-1', use: 'sig', alg: 'RS256' }, { ...ec, kid: 'ec-1', use: 'sig', alg: 'ES256' }] },
    cookies: { keys: ['steward-test-cookie-key'] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'groups'],
      email: ['email', 'email_verified'],
    },
    pkce: { required: () => true },
    ...(process.env.AUTH_METHOD ? { clientAuthMethods: [process.env.AUTH_METHOD] } : {}),
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const user = users()[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, preferred_username: id, name: user.name, email: user.email, email_verified: true, groups: user.groups };
        },
      };
    },
  });
  // Quiet: the test reads stdout for the issuer line only.
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
  // Anything else (the development interactions log each prompt) to stderr.
  console.log = console.info = console.error;
});
