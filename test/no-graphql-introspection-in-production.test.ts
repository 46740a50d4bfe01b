import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../src/rules/no-graphql-introspection-in-production';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

/** `[line, messageId]` of the rule's findings in a throwaway Redwood app holding `files`. */
function hits(files: Record<string, string>): Array<[number, string]> {
  const result = scanRules(tempProject(files, 'fnscan-introspection-'), [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => [f.location.startPos.line, f.messageId]);
}

function graphql(options: string, before = ''): Array<[number, string]> {
  const code = [
    "import { createGraphQLHandler } from '@redwoodjs/graphql-server'",
    "import { logger } from 'src/lib/logger'",
    before,
    'export const handler = createGraphQLHandler({',
    '  loggerConfig: { logger, options: {} },',
    `  ${options}`,
    '})',
  ].join('\n');
  return hits({ 'api/src/functions/graphql.js': code });
}

describe('flags introspection and GraphiQL forced on', () => {
  test('allowIntrospection: true and allowGraphiQL: true', () => {
    assert.deepEqual(graphql('allowIntrospection: true, allowGraphiQL: true,'), [[6, 'introspection'], [6, 'graphiql']]);
  });

  test('through a constant, and in a Cedar app', () => {
    assert.deepEqual(graphql('allowIntrospection: ENABLE_INTROSPECTION,', 'const ENABLE_INTROSPECTION = true'), [[6, 'introspection']]);
    const cedar = hits({
      'api/src/functions/graphql.js': "import { createGraphQLHandler } from '@cedarjs/graphql-server'\nexport const handler = createGraphQLHandler({ allowGraphiQL: true })\n",
    });
    assert.deepEqual(cedar, [[2, 'graphiql']]);
  });

  test('the GraphQL server registered in a Redwood server file', () => {
    const found = hits({
      'api/src/server.js': [
        "import Fastify from 'fastify'",
        "import { redwoodFastifyGraphQLServer } from '@redwoodjs/fastify'",
        'const fastify = Fastify()',
        'await fastify.register(redwoodFastifyGraphQLServer, {',
        "  graphiQLEndpoint: '/graphql',",
        '  allowIntrospection: true,',
        '  allowGraphiQL: true,',
        '})',
        'await fastify.register(somethingElse, { allowIntrospection: true })',
      ].join('\n'),
    });
    assert.deepEqual(found, [[6, 'introspection'], [7, 'graphiql']]);
  });

  test('options kept in a constant are reported at the call', () => {
    assert.deepEqual(graphql('...{},', ''), []);
    const found = hits({
      'api/src/lib/graphqlOptions.js': 'export const graphqlOptions = { allowIntrospection: true }\n',
      'api/src/functions/graphql.js': [
        "import { createGraphQLHandler } from '@redwoodjs/graphql-server'",
        "import { graphqlOptions } from 'src/lib/graphqlOptions'",
        'export const handler = createGraphQLHandler(graphqlOptions)',
      ].join('\n'),
    });
    assert.deepEqual(found, [[3, 'introspection']]);
  });
});

describe('through spreads, and switches turned the wrong way', () => {
  test('a spread constant sets the options; a later property wins over it', () => {
    const dev = 'const devOptions = { allowIntrospection: true, allowGraphiQL: true }';
    assert.deepEqual(graphql('...devOptions,', dev), [[3, 'introspection'], [3, 'graphiql']]);
    assert.deepEqual(graphql("...devOptions, allowIntrospection: false, allowGraphiQL: process.env.NODE_ENV === 'development',", dev), []);
    // A spread of something the file cannot see may override what comes before it.
    assert.deepEqual(graphql('allowIntrospection: true, ...loadOptions(),'), []);
  });

  test('on exactly in production', () => {
    assert.deepEqual(
      graphql("allowIntrospection: process.env.NODE_ENV === 'production', allowGraphiQL: process.env.NODE_ENV !== 'development',"),
      [[6, 'introspectionInProduction'], [6, 'graphiqlInProduction']],
    );
  });
});

describe('does not flag', () => {
  test('development-only switches, false, and environment flags', () => {
    assert.deepEqual(graphql("allowIntrospection: process.env.NODE_ENV === 'development', allowGraphiQL: isDev,", "const isDev = process.env.NODE_ENV !== 'production'"), []);
    assert.deepEqual(graphql("allowIntrospection: false, allowGraphiQL: process.env.ALLOW_GRAPHIQL === 'true',"), []);
  });

  test('the same option names elsewhere', () => {
    assert.deepEqual(hits({ 'api/src/lib/yoga.js': "import { createYoga } from 'graphql-yoga'\nexport const y = createYoga({ allowIntrospection: true })\n" }), []);
  });
});

test('fixture redwood-extras: every no-graphql-introspection-in-production annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test('an option set in a module the handler spreads is shown where it is set', () => {
  const result = scanRules(
    tempProject(
      {
        'api/src/lib/graphqlDefaults.js': 'export const graphqlDefaults = {\n  allowIntrospection: true,\n}\n',
        'api/src/functions/graphql.js': [
          "import { createGraphQLHandler } from '@redwoodjs/graphql-server'",
          "import { graphqlDefaults } from 'src/lib/graphqlDefaults'",
          'export const handler = createGraphQLHandler({ ...graphqlDefaults, sdls: {} })',
        ].join('\n'),
      },
      'fnscan-introspection-',
    ),
    [rule.meta.id],
  );
  assert.deepEqual(
    result.findings.map((f) => [f.location.startPos.line, f.related.map((r) => `${r.file.split('/').pop()}:${r.startPos.line} ${r.message}`)]),
    [[3, ['graphqlDefaults.js:2 `allowIntrospection` is set here.']]],
  );
});
