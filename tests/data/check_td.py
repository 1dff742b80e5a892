#!/usr/bin/env python3
"""Checks the JSON-LD Thing Descriptions of sample-graphs/td/.

Each TD must be JSON with the TD 1.1 context first in @context, an id, a
title, security and securityDefinitions; and the board it describes must be
the board of the Turtle file of the same name in sample-graphs/paper/boards/:
same IRI, title, RAM and flash. The Turtle side is read with serdi.
"""
import json
import os
import re
import subprocess
import sys

TD11 = 'https://www.w3.org/2022/wot/td/v1.1'
TD_TITLE = '<https://www.w3.org/2019/wot/td#title>'
VALUE = '<https://schema.org/value>'
TYPE = '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>'
RAM = '<http://tinyml-schema.org/s3n_extend/RAM>'
FLASH = '<http://tinyml-schema.org/s3n_extend/Flash>'
LINE = re.compile(r'^(\S+) (\S+) (.*) \.$')


def turtle_facts(path):
    out = subprocess.run(['serdi', '-i', 'turtle', '-o', 'ntriples', path],
                         check=True, capture_output=True, text=True).stdout
    triples = [LINE.match(l).groups() for l in out.splitlines() if l]
    subjects = {s for s, p, o in triples if p == TYPE and o == '<http://w3id.org/s3n/SmartSensor>'}
    title = [o for s, p, o in triples if p == TD_TITLE and s in subjects]
    mem = {}
    for s, p, o in triples:
        if p == TYPE and o in (RAM, FLASH):
            for s2, p2, o2 in triples:
                if s2 == s and p2 == VALUE:
                    mem[o] = int(re.match(r'"(\d+)"', o2).group(1))
    return subjects, title, mem


def td_facts(td):
    ram = flash = None
    for sub in td.get('ssn:hasSubSystem', []):
        cap = sub.get('s3n:hasSystemCapability')
        if not cap:
            continue
        for prop in cap['ssn-system:hasSystemProperty']:
            if prop['@type'] == 's3n_extend:RAM':
                ram = prop['schema:value']
            elif prop['@type'] == 's3n_extend:Flash':
                flash = prop['schema:value']
    return ram, flash


def main(root):
    tddir = os.path.join(root, 'td')
    errors = 0
    names = sorted(n for n in os.listdir(tddir) if n.endswith('.jsonld'))
    if len(names) != 6:
        print('FAIL: expected the 6 paper boards in %s, found %d' % (tddir, len(names)))
        errors += 1
    for name in names:
        path = os.path.join(tddir, name)
        try:
            with open(path, encoding='utf-8') as f:
                td = json.load(f)
        except ValueError as e:
            print('FAIL: %s: %s' % (path, e))
            errors += 1
            continue
        problems = []
        ctx = td.get('@context')
        if not isinstance(ctx, list) or not ctx or ctx[0] != TD11:
            problems.append('@context does not start with the TD 1.1 context')
        for key in ('id', 'title', 'security', 'securityDefinitions'):
            if key not in td:
                problems.append('no "%s"' % key)
        ttl = os.path.join(root, 'paper', 'boards', name[:-len('.jsonld')] + '.ttl')
        if not os.path.exists(ttl):
            problems.append('no Turtle twin %s' % ttl)
        else:
            subjects, titles, mem = turtle_facts(ttl)
            if subjects != {'<%s>' % td.get('id')}:
                problems.append('board IRI differs from %s' % ttl)
            if titles != ['"%s"@en' % td.get('title')]:
                problems.append('title differs from %s' % ttl)
            ram, flash = td_facts(td)
            if ram != mem.get(RAM) or flash != mem.get(FLASH):
                problems.append('RAM/flash %s/%s differ from %s (%s/%s)'
                                % (ram, flash, ttl, mem.get(RAM), mem.get(FLASH)))
        for p in problems:
            print('FAIL: %s: %s' % (path, p))
        errors += len(problems)
    print('%d Thing Descriptions checked, %d problems' % (len(names), errors))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
