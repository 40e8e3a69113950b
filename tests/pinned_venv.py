"""Running a check inside a virtual environment of pinned packages (tests/onnx, tests/tensorboard).

A check script calls run(): it creates the environment once (in the build tree, from the
requirements.txt beside the script), runs the lamina program that writes the files into a
folder, then runs the script again inside the environment, where check(folder) reads them.
"""
import argparse, subprocess, sys, tempfile
from pathlib import Path


def ensure_venv(venv: Path, requirements: Path) -> Path:
    python = venv / "bin" / "python"
    stamp = venv / "requirements.txt"
    wanted = requirements.read_text()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"creating {venv} with the packages of {requirements}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(requirements)], check=True)
    stamp.write_text(wanted)
    return python


def run(script: str, doc: str, check):
    """script: the check script's __file__; check(folder) -> exit status, run inside the venv."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--program", required=True, help="the lamina program that writes the files into a folder")
    ap.add_argument("--venv", required=True, help="where to create the virtual environment")
    ap.add_argument("--dir", help="write into this folder (default: a temporary one)")
    ap.add_argument("--check-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.check_only:  # re-entered inside the virtual environment
        sys.exit(check(Path(args.dir)))
    python = ensure_venv(Path(args.venv), Path(script).resolve().parent / "requirements.txt")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.dir or tmp)
        subprocess.run([args.program, str(folder)], check=True)
        sys.exit(subprocess.run([str(python), script, "--program", args.program, "--venv", args.venv,
                                 "--dir", str(folder), "--check-only"]).returncode)
