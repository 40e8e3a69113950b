#!/usr/bin/env python3
"""Compiles every ```cpp block of one Markdown document, as written.

A block is split into top-level chunks. Preprocessor lines go first; what can only live at
namespace scope (struct, class, template, namespace, function definitions, using-aliases,
static_assert) stays at namespace scope; everything else (statements, variables) goes into a
function body. A block without #include gets `#include <lamina/lamina.hpp>` and
`namespace lm = lamina;` (the docs' convention); a block that uses `lm::` without declaring the
alias gets the alias. `#line` directives make the compiler's messages point into the document.

The comment just before a block may configure it (several options may be combined, context=
last; the comment may span lines):

  <!-- snippet: skip (reason) -->     not compiled (output listings, not C++)
  <!-- snippet: continues -->         compiled after the previous block of the document, whose
                                      declarations it uses
  <!-- snippet: cuda -->              a CUDA block: compiled with nvcc when one is configured
                                      (--nvcc), else reported as not compiled
  <!-- snippet: context=CODE -->      C++ that the block takes as given (declarations of the
                                      variables and types it uses), split like the block

Blocks without #include of one document are compiled as one translation unit, each in its own
namespace; a block with #include lines is compiled alone, with exactly its includes.

A block that includes <lamina/linalg/...> is compiled only with --linalg (LAPACK and
xtensor-blas found).

Usage: check_snippets.py --doc FILE --root DIR --cxx CXX [--nvcc NVCC] [--linalg] [-I DIR ...]
       [--flag F ...] [--keep]
Exit status 0 when every block compiles.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

FENCE_OPEN = re.compile(r"^(\s*)```cpp\s*$")
MARKER = re.compile(r"<!--\s*snippet:(.*?)-->", re.S)


def read_blocks(path):
    """Yields (start_line, code, options) for each ```cpp block (start_line: the fence, 1-based)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent = m.group(1)
        start = i + 1
        j = i + 1
        body = []
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        if j == len(lines):
            raise SystemExit(f"{path}:{start}: unterminated ```cpp block")
        yield start, body, parse_marker(lines, i)
        i = j + 1


def parse_marker(lines, fence):
    """The snippet options in the HTML comment that ends on the last non-blank line before `fence`."""
    k = fence - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0 or not lines[k].rstrip().endswith("-->"):
        return {}
    text = lines[k]
    while "<!--" not in text and k > 0:
        k -= 1
        text = lines[k] + "\n" + text
    m = MARKER.search(text)
    if not m:
        return {}
    spec = m.group(1).strip()
    opts = {}
    if spec.startswith("skip"):
        reason = spec[4:].strip()
        if not (reason.startswith("(") and reason.endswith(")") and len(reason) > 2):
            raise SystemExit(f"line {fence + 1}: 'snippet: skip' needs a reason in parentheses")
        opts["skip"] = reason[1:-1]
        return opts
    if "context=" in spec:
        spec, context = spec.split("context=", 1)
        opts["context"] = context.strip().split("\n")
    for word in spec.split():
        if word not in ("continues", "cuda"):
            raise SystemExit(f"line {fence + 1}: unknown snippet option '{word}'")
        opts[word] = True
    return opts


def strip_comments_and_strings(s):
    """`s` with comments and string/char literals blanked (same length, newlines kept)."""
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if s.startswith("//", i):
            j = s.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif s.startswith("/*", i):
            j = s.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in s[i:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and s[i - 1].isalnum() and i + 1 < n and s[i + 1].isalnum():
                out.append(c)  # digit separator: 669'706
                i += 1
                continue
            j = i + 1
            while j < n and s[j] != c:
                j += 2 if s[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_chunks(lines, first_line):
    """Top-level chunks of C++ source: (line number of the chunk's first line, text, kind)."""
    text = "\n".join(lines) + "\n"
    clean = strip_comments_and_strings(text)
    chunks = []
    pos = 0  # start of the current chunk
    depth = 0
    i = 0
    n = len(clean)
    line_start = True
    while i < n:
        c = clean[i]
        if line_start and depth == 0 and clean[i:].lstrip(" \t").startswith("#"):
            # a preprocessor line: a chunk of its own
            j = clean.find("\n", i)
            flush(chunks, text, clean, pos, i, first_line)
            flush(chunks, text, clean, i, j + 1, first_line)
            pos = i = j + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
            if c == "}" and depth == 0:
                # a block ends: keep a following ';' (struct X {...};) in the chunk
                j = i + 1
                while j < n and clean[j] in " \t":
                    j += 1
                if j < n and clean[j] == ";":
                    i = j
                eol = clean.find("\n", i + 1)
                same_line = clean[i + 1:eol if eol >= 0 else n].strip()  # `} name;`, `} else {`
                rest = clean[i + 1:].lstrip()
                if not same_line and not re.match(r"(else|while|catch)\b", rest):
                    flush(chunks, text, clean, pos, i + 1, first_line)
                    pos = i + 1
        elif c == ";" and depth == 0:
            flush(chunks, text, clean, pos, i + 1, first_line)
            pos = i + 1
        line_start = c == "\n" or (line_start and c in " \t")
        i += 1
    flush(chunks, text, clean, pos, n, first_line)
    return chunks


def flush(chunks, text, clean, a, b, first_line):
    if a >= b or not clean[a:b].strip():
        if a < b and text[a:b].strip() and chunks:  # a trailing comment: keep it with the last chunk
            ln, t, k = chunks[-1]
            chunks[-1] = (ln, t + text[a:b], k)
        return
    # the chunk starts at its first non-blank line (comments before code belong to it)
    lead = len(text[a:b]) - len(text[a:b].lstrip("\n"))
    a += lead
    line = first_line + text.count("\n", 0, a)
    chunks.append((line, text[a:b], classify(clean[a:b])))


CONTROL = re.compile(r"(for|if|while|switch|do|else|try|return|catch)\b")


def classify(code):
    """'pre' (preprocessor), 'file' (namespace scope only or both) or 'body' (a statement)."""
    s = code.strip()
    if s.startswith("#"):
        return "pre"
    if re.match(r"(template\b|namespace\b|(struct|class|union|enum)\b[^;=()]*\{|using\b|typedef\b|"
                r"static_assert\b|extern\b|inline\b)", s):
        return "file"
    if s.endswith("}") and not CONTROL.match(s):
        head = s[: s.find("{")]
        # a function definition: `type name(params) qualifiers {`, no '=' before the parameters
        if re.match(r"^[\w:<>,\s\*&\[\]]*?[\w:~]+\s*\([^;{]*\)\s*[\w\s:&<>,\->]*$", head, re.S) and \
                "=" not in head.split("(")[0]:
            return "file"
    return "body"


def has_include(lines):
    return any(re.match(r"\s*#\s*include\b", l) for l in lines)


def uses_lm(lines):
    return any("lm::" in l for l in lines)


def declares_lm(lines):
    return any(re.search(r"namespace\s+lm\s*=", l) for l in lines)


class Unit:
    """One block as the parts of a translation unit."""

    def __init__(self, doc, start, lines, opts):
        self.start = start
        self.pre, self.file, self.body = [], [], []
        self.own_includes = has_include(lines)
        self.alias = uses_lm(lines) and not declares_lm(lines)
        if "context" in opts:
            tag = f"{doc} (context of the block at line {start})"
            self.add(split_chunks(opts["context"], 1), tag)
            self.alias = self.alias or uses_lm(opts["context"])
        self.add(split_chunks(lines, start + 1), doc)

    def add(self, chunks, filename):
        for line, text, kind in chunks:
            target = {"pre": self.pre, "file": self.file, "body": self.body}[kind]
            target.append(f'#line {line} "{filename}"\n{text.rstrip()}\n')

    def extend(self, prev):
        self.pre = prev.pre + self.pre
        self.file = prev.file + self.file
        self.body = prev.body + self.body
        self.own_includes = self.own_includes or prev.own_includes
        self.alias = self.alias or prev.alias

    def source(self, ns=None):
        """The block's declarations and its statements (in a function), in namespace `ns` if given."""
        out = [f"namespace {ns} {{\n"] if ns else []
        out += self.file
        if self.body:
            out.append("[[maybe_unused]] static void snippet_body() {\n")
            out += self.body
            out.append("}\n")
        if ns:
            out.append(f"}}  // namespace {ns}\n")
        return "".join(out)


def compile_source(cmd, source, workdir, name, suffix=".cpp"):
    path = os.path.join(workdir, name + suffix)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    r = subprocess.run(cmd + [path], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr, path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--nvcc", default="")
    ap.add_argument("--linalg", action="store_true", help="lamina::linalg's dependencies are found")
    ap.add_argument("-I", dest="includes", action="append", default=[])
    ap.add_argument("--flag", dest="flags", action="append", default=[])
    ap.add_argument("--keep", action="store_true", help="print the generated sources")
    a = ap.parse_args()
    doc = os.path.relpath(os.path.abspath(a.doc), os.path.abspath(a.root))

    units, skipped, not_compiled = [], [], []
    prev = None
    for start, lines, opts in read_blocks(a.doc):
        if "skip" in opts:
            skipped.append((start, opts["skip"]))
            continue
        u = Unit(doc, start, lines, opts)
        if opts.get("continues"):
            if prev is None:
                raise SystemExit(f"{doc}:{start}: 'snippet: continues' on the first block")
            u.extend(prev)
        u.cuda = bool(opts.get("cuda"))
        u.linalg = any(re.match(r"\s*#\s*include\s*<lamina/linalg/", l) for l in lines)
        prev = u
        units.append(u)

    include_flags = [f"-I{d}" for d in a.includes]
    gxx = [a.cxx, "-std=c++20", "-fsyntax-only", "-fopenmp"] + include_flags + a.flags
    nvcc = [a.nvcc, "-std=c++20", "-x", "cu", "-c", "-o", os.devnull, "-Xcompiler", "-fopenmp"] + include_flags

    shared = [u for u in units if not u.own_includes and not u.cuda]
    alone = [u for u in units if u.own_includes or u.cuda]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        if shared:
            src = "#include <lamina/lamina.hpp>\nnamespace lm = lamina;\n"
            src += "".join(u.source(f"doc_block_line_{u.start}") for u in shared)
            jobs.append((shared, src, gxx, "shared"))
        for u in alone:
            src = "".join(u.pre)
            if not u.own_includes:
                src = "#include <lamina/lamina.hpp>\n" + src
            if u.alias or not u.own_includes:
                src += "namespace lm = lamina;\n"
            src += u.source()
            if u.linalg and not a.linalg:
                not_compiled.append((u.start, "lamina::linalg's dependencies not found"))
                continue
            if u.cuda:
                if not a.nvcc:
                    not_compiled.append((u.start, "a CUDA block, and no nvcc configured"))
                    continue
                jobs.append(([u], src, nvcc, f"block_{u.start}"))
            else:
                jobs.append(([u], src, gxx, f"block_{u.start}"))
        for group, src, cmd, name in jobs:
            rc, out, path = compile_source(cmd, src, tmp, name, ".cu" if cmd is nvcc else ".cpp")
            starts = ", ".join(str(u.start) for u in group)
            if a.keep:
                print(f"--- generated for the block(s) at line(s) {starts}:\n{src}")
            if rc == 0:
                print(f"{doc}: ok: the block(s) at line(s) {starts}")
                continue
            failures += 1
            # name the block of every error
            bad = sorted({block_of(group, int(m.group(1)))
                          for m in re.finditer(re.escape(doc) + r":(\d+):\d+: error", out)})
            where = ", ".join(str(b) for b in bad if b) or starts
            print(f"{doc}: the ```cpp block(s) starting at line {where} do not compile:")
            lines = out.splitlines()
            print("\n".join(lines[:60]) + ("\n..." if len(lines) > 60 else ""))
    for start, reason in skipped:
        print(f"{doc}: skipped the block at line {start} ({reason})")
    for start, why in not_compiled:
        print(f"{doc}: not compiled: the block at line {start} ({why})")
    print(f"{doc}: {len(units) - len(not_compiled)} block(s) compiled, {failures} failing translation unit(s), "
          f"{len(skipped)} skipped")
    return 1 if failures else 0


def block_of(group, line):
    best = None
    for u in group:
        if u.start <= line:
            best = u.start
    return best


if __name__ == "__main__":
    sys.exit(main())
