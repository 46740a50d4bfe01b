import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempProject } from './support/project';

/**
 * A check made only when the request carries a credential (`if (token) jwt.verify(token, key)`)
 * lets a request without one through to the work; the shapes that look alike but refuse a
 * missing credential somewhere are left alone.
 */
function verdicts(files: Record<string, string>): string[] {
  const root = tempProject({ 'redwood.toml': '[web]\n', ...files }, 'fnscan-optional-');
  return scanRules(root, ['no-unauthenticated-handler']).findings.map(
    (f) => `${f.messageId}@${path.relative(root, f.location.file)}:${f.location.startPos.line}`,
  );
}

const DB = { 'api/src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n" };

/** A handler that reads the token into `token`, runs `body`, then deletes every stale order. */
function handler(body: string, imports = "import jwt from 'jsonwebtoken'"): string {
  return `${imports}
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const token = event.headers.authorization?.replace('Bearer ', '')
${body}
  await db.order.deleteMany({ where: { stale: true } })
  return { statusCode: 200 }
}
`;
}

test('a check made only when a token is sent, inline or in a helper, leaves the work open to a request without one', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/optionalAuth.ts': `import jwt from 'jsonwebtoken'
export const optionalAuth = (event) => {
  const header = event.headers.authorization
  if (header) {
    jwt.verify(header.slice(7), process.env.JWT_SECRET)
  }
}
`,
      'api/src/lib/auth.ts': `export const requireApiKey = async ({ event }) => {
  if (event.headers['x-api-key'] !== process.env.API_KEY) throw new Error('unauthenticated')
}
`,
      'api/src/functions/ifToken.ts': handler('  if (token) {\n    jwt.verify(token, process.env.JWT_SECRET)\n  }'),
      'api/src/functions/ternary.ts': handler('  const claims = token ? jwt.verify(token, process.env.JWT_SECRET) : null\n  console.log(claims)'),
      'api/src/functions/bearer.ts': handler("  if (token && token.length > 0 && event.headers.authorization.startsWith('Bearer ')) jwt.verify(token, process.env.JWT_SECRET)"),
      'api/src/functions/viaHelper.ts': handler('  optionalAuth(event)', "import { optionalAuth } from 'src/lib/optionalAuth'"),
      'api/src/functions/headerGate.ts': handler(
        '  if (event.headers.authorization) {\n    await requireApiKey({ event })\n  }',
        "import { requireApiKey } from 'src/lib/auth'",
      ),
      'api/src/functions/roleInside.ts': handler("  if (token) {\n    const claims = jwt.verify(token, process.env.JWT_SECRET)\n    if (claims.role !== 'admin') return { statusCode: 403 }\n  }"),
      'api/src/functions/catchInside.ts': handler('  if (token) {\n    try {\n      jwt.verify(token, process.env.JWT_SECRET)\n    } catch {\n      return { statusCode: 401 }\n    }\n  }'),
      'api/src/functions/elseVerifies.ts': handler("  if (!token) {\n    console.info('anonymous')\n  } else {\n    jwt.verify(token, process.env.JWT_SECRET)\n  }"),
      'api/src/functions/eitherIfSent.ts': handler(
        "  const key = event.headers['x-api-key']\n  if (token) {\n    jwt.verify(token, process.env.JWT_SECRET)\n  } else if (key) {\n    if (key !== process.env.ADMIN_API_KEY) return { statusCode: 401 }\n  }",
      ),
      // A `catch` that answers 401 around the whole `if`: still no check without a token.
      'api/src/functions/tryAroundGate.ts': handler(
        "  let uid = null\n  try {\n    if (token) uid = (await getAuth().verifyIdToken(token)).uid\n  } catch {\n    return { statusCode: 401 }\n  }\n  console.log(uid)",
        "import { getAuth } from 'firebase-admin/auth'",
      ),
      'api/src/functions/keyIfSent.ts': handler(
        "  const key = event.headers['x-api-key']\n  if (key && key !== process.env.ADMIN_API_KEY) {\n    return { statusCode: 403 }\n  }",
        '',
      ),
    }),
    [
      'optionalCheck@api/src/functions/bearer.ts:3',
      'optionalCheck@api/src/functions/catchInside.ts:3',
      'optionalCheck@api/src/functions/eitherIfSent.ts:3',
      'optionalCheck@api/src/functions/elseVerifies.ts:3',
      'optionalCheck@api/src/functions/headerGate.ts:3',
      'optionalCheck@api/src/functions/ifToken.ts:3',
      'optionalCheck@api/src/functions/keyIfSent.ts:3',
      'optionalCheck@api/src/functions/roleInside.ts:3',
      'optionalCheck@api/src/functions/ternary.ts:3',
      'optionalCheck@api/src/functions/tryAroundGate.ts:3',
      'optionalCheck@api/src/functions/viaHelper.ts:3',
    ],
  );
});

test('a missing credential refused elsewhere, a check whose answer is tested, work inside the branch, or an environment switch: no finding', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/requiredAuth.ts': `import jwt from 'jsonwebtoken'
export const requiredAuth = (event) => {
  const header = event.headers.authorization
  if (!header) throw new Error('unauthenticated')
  return jwt.verify(header.slice(7), process.env.JWT_SECRET)
}
`,
      'api/src/functions/elseRefuses.ts': handler('  if (token) {\n    jwt.verify(token, process.env.JWT_SECRET)\n  } else {\n    return { statusCode: 401 }\n  }'),
      'api/src/functions/refusedBefore.ts': handler('  if (!token) return { statusCode: 401 }\n  if (token) jwt.verify(token, process.env.JWT_SECRET)'),
      'api/src/functions/flag.ts': handler('  let ok = false\n  if (token) {\n    jwt.verify(token, process.env.JWT_SECRET)\n    ok = true\n  }\n  if (!ok) return { statusCode: 401 }'),
      'api/src/functions/answerTested.ts': handler('  const user = token ? jwt.verify(token, process.env.JWT_SECRET) : null\n  if (!user) return { statusCode: 401 }'),
      'api/src/functions/claimsTested.ts': handler('  let claims\n  if (token) {\n    claims = jwt.verify(token, process.env.JWT_SECRET)\n  }\n  if (!claims) return { statusCode: 401 }'),
      'api/src/functions/workInside.ts': `import jwt from 'jsonwebtoken'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const token = event.headers.authorization
  if (token) {
    jwt.verify(token, process.env.JWT_SECRET)
    await db.order.deleteMany({ where: { stale: true } })
    return { statusCode: 200 }
  }
  return { statusCode: 401 }
}
`,
      'api/src/functions/envSwitch.ts': handler(
        "  const expected = process.env.CRON_SECRET\n  if (expected) {\n    if (event.headers.authorization !== `Bearer ${expected}`) return { statusCode: 401 }\n  }",
        '',
      ),
      'api/src/functions/eitherRequired.ts': handler(
        "  const key = event.headers['x-api-key']\n  if (token) {\n    jwt.verify(token, process.env.JWT_SECRET)\n  } else if (key) {\n    if (key !== process.env.ADMIN_API_KEY) return { statusCode: 401 }\n  } else {\n    return { statusCode: 401 }\n  }",
      ),
      'api/src/functions/ifSentElseRefused.ts': handler("  if (!token) {\n    return { statusCode: 401 }\n  } else {\n    jwt.verify(token, process.env.JWT_SECRET)\n  }"),
      'api/src/functions/keptInAName.ts': handler('  const valid = token && jwt.verify(token, process.env.JWT_SECRET)\n  if (!valid) return { statusCode: 401 }'),
      'api/src/functions/keyRequired.ts': handler("  const key = event.headers['x-api-key']\n  if (!key || key !== process.env.ADMIN_API_KEY) return { statusCode: 403 }", ''),
      'api/src/functions/viaRequiredHelper.ts': handler('  requiredAuth(event)', "import { requiredAuth } from 'src/lib/requiredAuth'"),
      // A helper whose check throws out of another helper it calls, called as a statement, checks every caller.
      'api/src/lib/passthrough.ts': `import jwt from 'jsonwebtoken'
const verifyToken = (token: string) => jwt.verify(token, process.env.JWT_SECRET)
export const checkCaller = (event) => {
  verifyToken(String(event.headers.authorization).replace('Bearer ', ''))
}
`,
      'api/src/functions/viaPassthrough.ts': handler('  checkCaller(event)', "import { checkCaller } from 'src/lib/passthrough'"),
      // A helper that checks a token only when one is sent, and answers nothing otherwise, whose answer the handler tests.
      'api/src/lib/portal.ts': `import jwt from 'jsonwebtoken'
export const portalPartner = (event) => {
  const header = event.headers.authorization
  if (header?.startsWith('Bearer ')) return jwt.verify(header.slice(7), process.env.JWT_SECRET)
  return undefined
}
`,
      'api/src/functions/answerOfHelperTested.ts': handler(
        '  const partner = portalPartner(event)\n  if (!partner) return { statusCode: 401 }',
        "import { portalPartner } from 'src/lib/portal'",
      ),
    }),
    [],
  );
});

test('a refusal when a header that names the caller (a tenant, an organisation) is missing authenticates nobody: any client sends it', () => {
  const naming = (read: string, then = '') => `import { db } from 'src/lib/db'
export const handler = async (event) => {
  const tenantId = ${read}
  if (!tenantId) return { statusCode: 401 }
${then}  await db.invoice.deleteMany({ where: { tenantId } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/tenant.ts': naming("event.headers['x-tenant-id']"),
      // An API key checked only when sent does not help.
      'api/src/functions/tenantAndOptionalKey.ts': naming(
        "event.headers['x-org-id']",
        "  const key = event.headers['x-api-key']\n  if (key && key !== process.env.ORG_API_KEY) return { statusCode: 401 }\n",
      ),
      // Checked with the tenant's key as well: authenticated.
      'api/src/functions/tenantAndKey.ts': naming(
        "event.headers['x-tenant-id']",
        "  if (event.headers['x-api-key'] !== process.env.TENANT_API_KEY) return { statusCode: 401 }\n",
      ),
    }),
    ['unauthenticated@api/src/functions/tenant.ts:2', 'optionalCheck@api/src/functions/tenantAndOptionalKey.ts:2'],
  );
});

test('a helper that answers nothing when no token is sent (`if (!token) return null`) checks only callers that test its answer, also through names made from it', () => {
  const lib = `import jwt from 'jsonwebtoken'
export const authenticate = async (event) => {
  const token = event.headers.authorization?.replace(/^Bearer /, '')
  if (!token) return null
  return jwt.verify(token, process.env.JWT_SECRET)
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/authenticate.ts': lib,
      'api/src/functions/answerIgnored.ts': handler('  const claims = await authenticate(event)\n  console.log(claims?.sub)', "import { authenticate } from 'src/lib/authenticate'"),
      'api/src/functions/answerTested.ts': handler('  const claims = await authenticate(event)\n  if (!claims) return { statusCode: 401 }', "import { authenticate } from 'src/lib/authenticate'"),
      'api/src/functions/fieldTested.ts': handler(
        '  const claims = await authenticate(event)\n  const { sub } = claims ?? {}\n  if (!sub) return { statusCode: 401 }',
        "import { authenticate } from 'src/lib/authenticate'",
      ),
      'api/src/functions/testedOnlyIfThere.ts': handler(
        "  const viewer = await authenticate(event)\n  if (viewer && viewer.role !== 'finance') return { statusCode: 403 }",
        "import { authenticate } from 'src/lib/authenticate'",
      ),
      // In the handler itself, an early answer for a request without a token does no work: what follows is checked.
      'api/src/functions/earlyAnswer.ts': handler("  if (!token) return { statusCode: 200, body: '[]' }\n  jwt.verify(token, process.env.JWT_SECRET)"),
    }),
    ['optionalCheck@api/src/functions/answerIgnored.ts:3', 'optionalCheck@api/src/functions/testedOnlyIfThere.ts:3'],
  );
});
