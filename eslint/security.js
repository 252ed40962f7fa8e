// Security lint rules (issue 25 item 8). eval and new Function are ESLint's own rules (eslint.config.js).
import { relative } from 'node:path';
import { reviewedSql } from './sql-reviewed.js';

/** `.query(…)`, `.prepare(…)` and `.exec(…)` take SQL: pg, PGlite and better-sqlite3 alike. */
const SQL_METHODS = new Set(['query', 'prepare', 'exec']);

/**
 * The parts a string is built from at run time: each `${}` of a template (nested ones too), each non-literal operand
 * of a `+` that joins text. Empty for a fixed text.
 */
function builtParts(node) {
  // A nested template or a `cond ? a : b` is looked into: its own pieces are what the text is built from.
  const pieces = (e) =>
    e.type === 'Literal' ? [] : e.type === 'TemplateLiteral' ? builtParts(e) : e.type === 'ConditionalExpression' ? [...pieces(e.consequent), ...pieces(e.alternate)] : [e];
  if (node.type === 'TemplateLiteral') return node.expressions.flatMap(pieces);
  if (node.type === 'BinaryExpression' && node.operator === '+') {
    const isText = (n) => (n.type === 'Literal' && typeof n.value === 'string') || n.type === 'TemplateLiteral' || (n.type === 'BinaryExpression' && n.operator === '+');
    if (!isText(node.left) && !isText(node.right)) return [];
    return [node.left, node.right].flatMap((n) => (n.type === 'Literal' ? [] : n.type === 'TemplateLiteral' || n.type === 'BinaryExpression' ? builtParts(n) : [n]));
  }
  return [];
}

const noSqlStrings = {
  meta: {
    type: 'problem',
    docs: { description: 'SQL is a fixed text with parameters, never a string built from values' },
    schema: [],
    messages: {
      built:
        'SQL built from a string (`{{part}}`): pass values as parameters ($1, ?, @name). A reviewed exception (a constant, or a name or clause the code chose, never input) goes into eslint/sql-reviewed.js with why.',
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        if (!SQL_METHODS.has(callee.property.name)) return;
        const [sql] = node.arguments;
        if (!sql) return;
        // Reviewed parts (eslint/sql-reviewed.js) are matched by file and exact source text: a new or changed
        // interpolation is reported until someone reviews it.
        const reviewed = reviewedSql[relative(context.cwd, context.filename).split('\\').join('/')] ?? {};
        const unreviewed = builtParts(sql).filter((part) => !(context.sourceCode.getText(part) in reviewed));
        for (const part of unreviewed) context.report({ node: part, messageId: 'built', data: { part: context.sourceCode.getText(part).slice(0, 60) } });
      },
    };
  },
};

const noRawHtml = {
  meta: {
    type: 'problem',
    docs: { description: 'no HTML from strings into the page: React escapes text, raw HTML would run what it carries' },
    schema: [],
    messages: { raw: 'Raw HTML ({{what}}) puts text into the page unescaped; render it as React text or elements.' },
  },
  create(context) {
    const report = (node, what) => context.report({ node, messageId: 'raw', data: { what } });
    return {
      JSXAttribute(node) {
        if (node.name.type === 'JSXIdentifier' && node.name.name === 'dangerouslySetInnerHTML') report(node, 'dangerouslySetInnerHTML');
      },
      Property(node) {
        if (!node.computed && node.key.type === 'Identifier' && node.key.name === 'dangerouslySetInnerHTML') report(node, 'dangerouslySetInnerHTML');
      },
      AssignmentExpression(node) {
        const target = node.left;
        if (target.type === 'MemberExpression' && !target.computed && target.property.type === 'Identifier' && /^(innerHTML|outerHTML)$/.test(target.property.name)) report(node, target.property.name);
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && /^(insertAdjacentHTML|createContextualFragment)$/.test(callee.property.name)) report(node, callee.property.name);
        if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === 'document' && callee.property.type === 'Identifier' && /^(write|writeln)$/.test(callee.property.name)) report(node, `document.${callee.property.name}`);
      },
    };
  },
};

export default { rules: { 'no-sql-strings': noSqlStrings, 'no-raw-html': noRawHtml } };
