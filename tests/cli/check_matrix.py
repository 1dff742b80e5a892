"""Derive the model x board verdicts from the facts, independently of
tinyscope's catalog and SPARQL engine, and compare them with a matrix.

usage: check_matrix.py MATRIX.json FILE.nt ...
The N-Triples files come from serdi; the rules are those of DESIGN.md."""
import json
import re
import sys

NT = re.compile(r'^(<[^>]*>|_:\S+)\s+<([^>]*)>\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@\S+|\^\^<[^>]*>)?)\s*\.\s*$')

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
S3N = "http://w3id.org/s3n/"
SSN = "http://www.w3.org/ns/ssn/"
SYS = "http://www.w3.org/ns/ssn/systems/"
EXT = "http://tinyml-schema.org/s3n_extend/"
SCHEMA = "https://schema.org/"
NNET = "http://tinyml-schema.org/networkschema#"
TINY = "https://w3id.org/tinyscope/ns#"
GENERIC = {"https://schema.org/Sensor", "http://schema.org/Sensor",
           "http://www.w3.org/ns/sosa/Sensor", "http://www.w3.org/ns/ssn/System",
           "http://tinyml-schema.org/sosa_extend/OtherSensor"}


def term(t, scope):
    if t.startswith("<"):
        return t[1:-1]
    if t.startswith("_:"):
        return "_:" + scope + t[2:]  # blank nodes belong to their file
    m = re.match(r'^"((?:[^"\\]|\\.)*)"', t)
    return m.group(1)


def load(paths):
    triples = set()
    for i, path in enumerate(paths):
        scope = "f%d_" % i
        for line in open(path, encoding="utf-8"):
            m = NT.match(line)
            if m:
                triples.add((term(m.group(1), scope), m.group(2), term(m.group(3), scope)))
    return triples


def index(triples):
    sp, po = {}, {}
    for s, p, o in triples:
        sp.setdefault((s, p), set()).add(o)
        po.setdefault((p, o), set()).add(s)
    return sp, po


def number(v):
    try:
        return float(v)
    except ValueError:
        return None


def main():
    matrix = json.load(open(sys.argv[1]))
    sp, po = index(load(sys.argv[2:]))
    objs = lambda s, p: sp.get((s, p), set())
    subs = lambda p, o: po.get((p, o), set())

    supers = {}
    for (s, p), os_ in sp.items():
        if p == SUBCLASS:
            supers.setdefault(s, set()).update(os_)

    def ancestors(c):
        seen, todo = {c}, [c]
        while todo:
            for sup in supers.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def memory(node, kind, value_prop):
        for cls_node in [node]:
            if kind in objs(cls_node, RDF_TYPE):
                for v in objs(cls_node, value_prop):
                    n = number(v)
                    if n is not None:
                        return n
        return None

    boards = {}
    for b in subs(RDF_TYPE, S3N + "SmartSensor"):
        ram = flash = None
        has = set()
        for sub in objs(b, SSN + "hasSubSystem"):
            for c in objs(sub, RDF_TYPE):
                has |= ancestors(c)
            for cap in objs(sub, S3N + "hasSystemCapability"):
                for prop in objs(cap, SYS + "hasSystemProperty"):
                    ram = ram if ram is not None else memory(prop, EXT + "RAM", SCHEMA + "value")
                    flash = flash if flash is not None else memory(prop, EXT + "Flash", SCHEMA + "value")
        boards[b] = (ram, flash, has, objs(b, TINY + "runtime"))

    models = {}
    for m in subs(RDF_TYPE, NNET + "NeuralNetwork"):
        ram = flash = None
        for feat in objs(m, S3N + "hasProcedureFeature"):
            for cond in objs(feat, SYS + "inCondition"):
                ram = ram if ram is not None else memory(cond, EXT + "RAM", SCHEMA + "minValue")
                flash = flash if flash is not None else memory(cond, EXT + "Flash", SCHEMA + "minValue")
        needs = set()
        for inp in objs(m, SSN + "hasInput"):
            for sensor in subs("http://tinyml-schema.org/ssn_extend/provideInput", inp):
                needs |= objs(sensor, RDF_TYPE) - GENERIC
        runtime = objs(m, SCHEMA + "runtimePlatform")
        models[m] = (ram, flash, needs, runtime)

    def norm(r):
        k = re.sub(r"[^a-z0-9]", "", r.lower())
        return "tflm" if k in ("tflitemicro", "tflm", "tensorflowlitemicro",
                               "tensorflowliteformicrocontrollers") else k

    checked = bad = 0
    for rec in matrix:
        m, b = models.get(rec["model"]), boards.get(rec["board"])
        if m is None or b is None:
            print("unknown pair", rec["model"], rec["board"])
            bad += 1
            continue
        fail = unknown = False
        if m[0] is None or b[0] is None:
            unknown = True
        elif m[0] > b[0]:
            fail = True
        if m[1] is None or b[1] is None:
            unknown = True
        elif m[1] > b[1]:
            fail = True
        if not m[2] <= b[2]:
            fail = True
        if m[3] and b[3] and not ({norm(r) for r in m[3]} & {norm(r) for r in b[3]}):
            fail = True
        want = "no" if fail else "unknown" if unknown else "fits"
        checked += 1
        if rec["verdict"] != want:
            bad += 1
            print("mismatch:", rec["model_name"], "on", rec["board_name"], "got",
                  rec["verdict"], "want", want, "|", rec["reasons"])
        # The paper's examples, stated outright.
        camera = "http://tinyml-schema.org/sosa_extend/Camera"
        if camera in m[2] and camera not in b[2] and rec["verdict"] == "fits":
            bad += 1
            print("a camera model fits a board without a camera:", rec["model_name"], rec["board_name"])
        if m[0] is not None and b[0] is not None and m[0] > b[0] and rec["verdict"] == "fits":
            bad += 1
            print("a model fits a board with too little RAM:", rec["model_name"], rec["board_name"])
    if len(matrix) != len(models) * len(boards):
        bad += 1
        print("matrix has", len(matrix), "records, want", len(models) * len(boards))
    print(f"{checked} cells checked, {bad} wrong, {len(models)} models x {len(boards)} boards")
    sys.exit(1 if bad else 0)


main()
