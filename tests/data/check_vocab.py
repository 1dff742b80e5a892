#!/usr/bin/env python3
"""Checks that the bundled vocabulary covers what the graphs say.

- Every term of ontology/*.ttl in the nnet:, s3n_extend:, sosa_extend:,
  ssn_extend: and tiny: namespaces has an rdfs:label and an rdfs:comment.
- Every term of those namespaces used in sample-graphs/ (as predicate, class
  or object) and in ontology/views/*.rq is defined in ontology/.
- The same for the published graph, when its folder is given (the .ttl files
  of the published schema folder other than the ontology files of other
  vocabularies are read the same way).
- Board facts of tinyscope's vocabulary are well formed: USB ids are four
  lowercase hex digits.
Files are read with serdi.
"""
import os
import re
import subprocess
import sys

NS = ('http://tinyml-schema.org/networkschema#', 'http://tinyml-schema.org/s3n_extend/',
      'http://tinyml-schema.org/sosa_extend/', 'http://tinyml-schema.org/ssn_extend/',
      'https://w3id.org/tinyscope/ns#')
LABEL = 'http://www.w3.org/2000/01/rdf-schema#label'
COMMENT = 'http://www.w3.org/2000/01/rdf-schema#comment'
IRI = re.compile(r'<([^>]*)>')
LINE = re.compile(r'^(\S+) (\S+) (.*) \.$')


def triples(path):
    out = subprocess.run(['serdi', '-i', 'turtle', '-o', 'ntriples', path],
                         check=True, capture_output=True, text=True).stdout
    return [LINE.match(l).groups() for l in out.splitlines() if l]


def ours(iri):
    return any(iri.startswith(n) and len(iri) > len(n) for n in NS)


def ttl_files(d):
    for base, _, names in sorted(os.walk(d)):
        for n in sorted(names):
            if n.endswith('.ttl'):
                yield os.path.join(base, n)


def used_terms(paths):
    used = {}
    for p in paths:
        for s, pr, o in triples(p):
            for t in (pr, o):
                m = IRI.fullmatch(t)
                if m and ours(m.group(1)):
                    used.setdefault(m.group(1), p)
            m = re.search(r'\^\^<([^>]*)>$', o)
            if m and ours(m.group(1)):
                used.setdefault(m.group(1), p)
    return used


def view_terms(views):
    used = {}
    for n in sorted(os.listdir(views)):
        if not n.endswith('.rq'):
            continue
        text = open(os.path.join(views, n), encoding='utf-8').read()
        text = '\n'.join(l for l in text.splitlines() if not l.lstrip().startswith('#'))
        prefixes = dict(re.findall(r'PREFIX\s+([\w-]*):\s*<([^>]*)>', text))
        body = re.sub(r'PREFIX\s+[\w-]*:\s*<[^>]*>', '', text)
        for pfx, local in re.findall(r'(?<![\w<?])([\w-]+):([A-Za-z_][\w-]*)', body):
            if pfx in prefixes and ours(prefixes[pfx] + local):
                used.setdefault(prefixes[pfx] + local, n)
        for iri in re.findall(r'<([^>]*)>', body):
            if ours(iri):
                used.setdefault(iri, n)
    return used


def main(root, seed=None):
    problems = []
    defined = {}
    for p in ttl_files(os.path.join(root, 'ontology')):
        for s, pr, o in triples(p):
            m = IRI.fullmatch(s)
            if m and ours(m.group(1)):
                defined.setdefault(m.group(1), set()).add(pr[1:-1])
    for term, preds in sorted(defined.items()):
        for need in (LABEL, COMMENT):
            if need not in preds:
                problems.append('%s has no %s' % (term, need.rsplit('#', 1)[1]))

    def check(used, where):
        for term, src in sorted(used.items()):
            if term not in defined:
                problems.append('%s (used in %s) is not defined in ontology/' % (term, src))

    check(used_terms(ttl_files(os.path.join(root, 'sample-graphs'))), 'sample-graphs')
    check(view_terms(os.path.join(root, 'ontology', 'views')), 'views')
    if seed:
        # The published vocabulary files describe their own namespaces; the
        # data files are what tinyscope must understand.
        skip = {'network_schema.ttl', 's3n_extend.ttl', 'sosa_extend.ttl', 'ssn_extend.ttl'}
        check(used_terms(p for p in ttl_files(seed) if os.path.basename(p) not in skip), 'seed')

    hexid = re.compile(r'"[0-9a-f]{4}"')
    for p in ttl_files(os.path.join(root, 'sample-graphs')):
        for s, pr, o in triples(p):
            if pr in ('<https://w3id.org/tinyscope/ns#usbVendorId>', '<https://w3id.org/tinyscope/ns#usbProductId>'):
                if not hexid.fullmatch(o):
                    problems.append('%s: %s %s is not four lowercase hex digits' % (p, pr, o))

    for p in problems:
        print('FAIL: ' + p)
    print('%d vocabulary terms defined, %d problems' % (len(defined), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
