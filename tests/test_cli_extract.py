"""`marsad extract` and the readers: formats, options and one-line errors that lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from marsad import __version__
from marsad.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "reports.jsonl"


def run_cli(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "marsad", *args], input=stdin, capture_output=True, timeout=120)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_extract() -> None:
    r = run_cli(["--help"])
    assert r.returncode == 0
    assert b"extract" in r.stdout


def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    r = run_cli(["extract", str(tmp_path / "nope.txt")])
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "no such file" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_undecodable_bytes(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(b"abc \xff\xfe\xfa def " * 3)
    r = run_cli(["extract", str(p)])
    assert r.returncode == 2
    assert b"not valid UTF-8" in r.stderr and b"Traceback" not in r.stderr


def test_binary_and_empty_files(tmp_path: Path) -> None:
    b = tmp_path / "bin.txt"
    b.write_bytes(b"\x00\x01\x02\x03" * 10)
    e = tmp_path / "empty.txt"
    e.write_bytes(b"  \n")
    r = run_cli(["extract", str(b), str(e)])
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "binary" in err and "empty" in err and "Traceback" not in err


def test_malformed_jsonl_line_is_named_and_others_processed(tmp_path: Path) -> None:
    good = {"id": "g1", "text": "قتل ثلاثة مدنيين بقصف مدفعي على بلدة في ريف إدلب اليوم", "published": "2024-01-10"}
    p = tmp_path / "docs.jsonl"
    p.write_text(json.dumps(good, ensure_ascii=False) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n",
                 encoding="utf-8")
    r = run_cli(["extract", str(p), "--format", "json"])
    assert r.returncode == 2
    err = r.stderr.decode()
    assert f"{p}:2" in err and f"{p}:3" in err and "Traceback" not in err
    assert isinstance(json.loads(r.stdout), list)  # the good line was still processed


def test_bad_published_option() -> None:
    r = run_cli(["extract", "-", "--published", "yesterday"], stdin="نص".encode())
    assert r.returncode == 2 and b"ISO date" in r.stderr


def test_stdin_text_and_jsonl_and_table() -> None:
    r = run_cli(["extract", "-", "--published", "2024-01-10", "--format", "table"],
                stdin="قالت مصادر محلية إن الهدوء ساد المدينة.".encode())
    assert r.returncode == 0, r.stderr
    assert b"events" in r.stdout
    r = run_cli(["extract", "-"], stdin=EXAMPLE.read_bytes())
    assert r.returncode == 0, r.stderr
    for line in r.stdout.decode().splitlines():
        ev = json.loads(line)
        assert ev["doc_id"].startswith("example-")


def test_bidi_and_zero_width_input_does_not_break() -> None:
    text = "\u202bقصفت\u200f الطائرات\u200b\u2066 البلدة\u2069\ufeff"
    r = run_cli(["extract", "-"], stdin=text.encode())
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr


def test_utf16_with_bom(tmp_path: Path) -> None:
    p = tmp_path / "u16.txt"
    p.write_bytes("قالت مصادر إن الهدوء ساد.".encode("utf-16"))
    r = run_cli(["extract", str(p)])
    assert r.returncode == 0, r.stderr


def test_unknown_pipeline_stage(tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text('[[stage]]\nname = "normalize"\n[[stage]]\nname = "nope"\n')
    r = run_cli(["extract", "-", "--pipeline", str(cfg)], stdin="نص".encode())
    assert r.returncode == 2 and b"unknown" in r.stderr and b"Traceback" not in r.stderr
