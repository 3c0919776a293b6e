#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turn store call sites that name schema fields by string into field ids.

The store's record accessors take an enum schema_fid (SF_<name>,
xenstore-schema/fields.h), so that a misspelt field does not compile.  This
rewrites code written against the string API, in place:

  store_record_get(r, "name_label")      -> store_record_get(r, SF_name_label)
  store_record_map_count(r, f->name)     -> store_record_map_count(r,
                                                schema_field_fid(f))
  struct store_match m = { "VM", vm };   -> ... = { SF_VM, vm };

for the store's functions that take a field and for the project's helpers
that pass one through (HELPERS below).  Already converted code is left as
it is, so it can be run again on a tree that merged string call sites.
What it cannot decide (a field held in a string variable) it lists, with
file and line, for a hand edit: the compiler refuses those sites anyway.
A string literal that is not a schema field is listed too and left.

usage: tools/convert-fields.py [--check] [PATH...]
  PATH      files or folders (default: the whole tree but the schema's own)
  --check   change nothing; exit 1 if something would change
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# function -> index of its field argument (0-based)
STORE = {
    'store_record_get': 1, 'store_record_set': 1,
    'store_record_set_count': 1, 'store_record_set_member': 1,
    'store_record_set_contains': 1, 'store_record_set_add': 1,
    'store_record_set_remove': 1, 'store_record_map_count': 1,
    'store_record_map_key': 1, 'store_record_map_value': 1,
    'store_record_map_get': 1, 'store_record_map_put': 1,
    'store_tx_get_field': 3, 'store_set_field': 3,
    'store_tx_index': 2, 'store_index_values': 2,
}
# The project's helpers that take a field id and pass it to the store:
# file (relative to the top; '' = every file) -> {function: index}.
HELPERS = {
    '': {'ops__get': 1, 'ops__get_bool': 1, 'ops__set': 1,
         'ops__put_pairs': 1, 'ops__tx_indexed': 2,
         'pt_field': 2},     # tests/helpers/plugin-test.h
    'ops/ops-scan.c': {'find_by': 1, 'hex': 1},
    'plugin/reserve.c': {'field_long': 1, 'set_long': 1, 'clear_map': 1},
    'plugin/settings.c': {'take': 3},
    'plugin/topology.c': {'copy_field': 3, 'field_long': 1},
    'api/classes/record.c': {'set_of_refs': 1, 'map_value': 1},
    'tests/integration/test-store.c': {'indexed': 1},
    'tests/integration/test-xe-ops.c': {'count': 1},
    'bench/bench-contention.c': {'set': 1},
    'bench/bench-xe.c': {'set': 1},
}
SKIP_DIRS = {'.git', 'xenstore-schema', 'build', '_build', 'autom4te.cache'}


def field_ids():
    with open(os.path.join(TOP, 'xenstore-schema', 'fields.h')) as f:
        return set(re.findall(r'^\s*SF_(\w+),', f.read(), re.M)) - {'NONE'}


def skip_literal(s, j):
    """Index just past the string or char literal starting at s[j]."""
    q = s[j]
    j += 1
    while s[j] != q:
        j += 2 if s[j] == '\\' else 1
    return j + 1


def call_args(s, i):
    """Spans (start, end) of the arguments of the call whose '(' is s[i];
    None if unbalanced."""
    depth, start, out, j = 0, i + 1, [], i
    while j < len(s):
        c = s[j]
        if c in '"\'':
            j = skip_literal(s, j)
            continue
        if s.startswith('/*', j):
            j = s.find('*/', j) + 2
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if depth == 0:
                out.append((start, j))
                return out
        elif c == ',' and depth == 1:
            out.append((start, j))
            start = j + 1
        j += 1
    return None


LITERAL = re.compile(r'"([A-Za-z0-9_]*)"')
MEMBER_NAME = re.compile(r'([A-Za-z_][\w.>\-\[\]]*)->name')
DONE = re.compile(r'SF_\w+|schema_field_fid\(|schema_fid_find\(')


class File:
    def __init__(self, path, rel, ids, fid_names):
        self.path, self.rel, self.ids = path, rel, ids
        self.fid_names = fid_names
        with open(path) as f:
            self.src = f.read()
        self.edits = []         # (start, end, text)
        self.notes = []

    def line(self, pos):
        return self.src.count('\n', 0, pos) + 1

    def note(self, pos, what):
        self.notes.append('%s:%d: %s' % (self.rel, self.line(pos), what))

    def convert_arg(self, start, end, fn):
        text = self.src[start:end]
        arg = text.strip()
        lead = start + len(text) - len(text.lstrip())
        m = LITERAL.fullmatch(arg)
        if m:
            if m.group(1) in self.ids:
                self.edits.append((lead, lead + len(arg), 'SF_' + m.group(1)))
            else:
                self.note(lead, '%s: "%s" is not a schema field: left as it '
                          'is' % (fn, m.group(1)))
            return
        m = MEMBER_NAME.fullmatch(arg)
        if m:
            self.edits.append((lead, lead + len(arg),
                               'schema_field_fid(%s)' % m.group(1)))
            return
        last = re.search(r'(\w+)\s*(\[[^]]*\])?$', arg)
        if last and last.group(1) in self.fid_names:
            return              # a variable or member declared as an id
        if not DONE.match(arg):
            self.note(lead, '%s: field "%s" is not a literal: convert by '
                      'hand if it is a string (schema_fid_find, or an '
                      'enum schema_fid parameter)' % (fn, arg))

    def calls(self, funcs):
        pat = re.compile(r'(?<![\w.>])(%s)\s*\(' % '|'.join(map(re.escape,
                                                               funcs)))
        for m in pat.finditer(self.src):
            # a definition or declaration names the type before it
            before = self.src[max(0, m.start() - 40):m.start()]
            if re.search(r'\b[A-Za-z_]\w*\s*\**\s*$', before) and \
                    not re.search(r'\b(return|case|else|do|sizeof)\s*\**\s*$',
                                  before):
                continue
            args = call_args(self.src, m.end() - 1)
            k = funcs[m.group(1)]
            if args and len(args) > k:
                self.convert_arg(args[k][0], args[k][1], m.group(1))

    def matches(self):
        """store_match initializers: the first member of each term."""
        pat = re.compile(r'(\(\s*)?struct\s+store_match\b[^;{()=]*'
                         r'(\[\s*\w*\s*\])?\s*(\)\s*)?(=\s*)?\{')
        for m in pat.finditer(self.src):
            if not (m.group(1) or m.group(4)):
                continue        # a declaration of the struct itself
            open_ = m.end() - 1
            while open_ is not None:
                span = call_args(self.src, open_)
                if not span:
                    break
                self.match_terms(open_, span[-1][1])
                # more declarators: ", m2 = { ... }"
                more = re.compile(r'\s*,\s*\w+\s*(\[\s*\w*\s*\])?\s*=\s*\{')
                n = more.match(self.src, span[-1][1] + 1)
                open_ = n.end() - 1 if n else None

    def match_terms(self, open_, body_end):
        body = self.src[open_:body_end]
        for t in re.finditer(r'\{\s*("[A-Za-z0-9_]*")\s*,', body):
            self.convert_arg(open_ + t.start(1), open_ + t.end(1),
                             'struct store_match')
        for t in re.finditer(r'\.field\s*=\s*("[A-Za-z0-9_]*")', body):
            self.convert_arg(open_ + t.start(1), open_ + t.end(1),
                             'struct store_match')

    def run(self):
        funcs = dict(STORE)
        funcs.update(HELPERS[''])
        funcs.update(HELPERS.get(self.rel, {}))
        self.calls(funcs)
        self.matches()
        out, last = [], 0
        for start, end, text in sorted(set(self.edits)):
            out.append(self.src[last:start])
            out.append(text)
            last = end
        out.append(self.src[last:])
        return ''.join(out)


def sources(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and
                             not d.startswith('build'))
            for f in sorted(files):
                if f.endswith(('.c', '.h')) and f != 'convert-fields.py':
                    yield os.path.join(root, f)


def main(argv):
    check = '--check' in argv
    paths = [a for a in argv if a != '--check'] or [TOP]
    ids = field_ids()
    # names declared as ids anywhere (parameters, members, variables)
    fid_names = set()
    for path in sources([TOP]):
        with open(path) as f:
            fid_names.update(re.findall(r'enum\s+schema_fid\s+\**\s*(\w+)',
                                        f.read()))
    changed, notes = [], []
    for path in sources(paths):
        rel = os.path.relpath(os.path.abspath(path), TOP)
        f = File(path, rel, ids, fid_names)
        new = f.run()
        notes += f.notes
        if new != f.src:
            changed.append(rel)
            if not check:
                with open(path, 'w') as out:
                    out.write(new)
    for n in notes:
        print(n, file=sys.stderr)
    print('%s %d file(s)%s' % ('would change' if check else 'changed',
                               len(changed),
                               ': ' + ' '.join(changed) if changed else ''))
    return 1 if check and changed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
