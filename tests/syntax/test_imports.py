"""Syntax from imports: a module's `notation`/`infix`/`syntax`/`macro`/`elab`
declarations are active in every module that imports it, transitively, as in
Lean; `local` ones are not exported, `scoped` ones wait for `open`.

Each test writes small modules to a temporary folder and parses a file that
imports them.
"""

from __future__ import annotations

from pathlib import Path

from nleanjit.syntax import parse_file, parse_source
from nleanjit.syntax.modules import ModuleResolver, default_resolver, init_env, project_root


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(result) -> list[str]:
    return [str(d) for d in result.diagnostics if d.severity == "error"]


def own(env) -> list:
    """The declarations of an env besides those of the implicit `Init`."""
    return [d for d in env.decls if d not in init_env().decls]


def kinds(node) -> list[str]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if hasattr(n, "children"):
            out.append(n.kind)
            stack.extend(n.children)
    return out


LIB = """\
def f (a b : Nat) : Nat := a + b
infixl:65 " +++ " => f
syntax "my_cmd" ident : command
macro "my_tac" t:term : tactic => `(tactic| exact $t)
"""

USER = """\
import Lib.Ops

my_cmd foo
theorem t : 1 +++ 2 = 3 := by my_tac rfl
#eval 1 +++ 2 +++ 3
"""


def test_imported_infix_command_and_tactic(tmp_path):
    write(tmp_path, "Lib/Ops.lean", LIB)
    user = write(tmp_path, "User.lean", USER)
    result = parse_file(user, resolver=ModuleResolver([tmp_path]))
    assert errors(result) == []
    assert result.tree.to_source() == USER
    found = kinds(result.tree)
    assert "command_notation" in found and "tactic_notation" in found
    # `1 +++ 2 +++ 3` is a left-nested binary operator at precedence 65
    assert found.count("binop") >= 3


def test_without_the_import_the_same_file_fails(tmp_path):
    user = write(tmp_path, "User.lean", USER)  # Lib/Ops.lean is missing: the import is ignored
    result = parse_file(user, resolver=ModuleResolver([tmp_path]))
    assert result.tree.to_source() == USER
    msgs = errors(result)
    assert msgs and msgs[0].startswith(f"{user}:1:14: error: expected command")


def test_import_forms_of_the_module_system(tmp_path):
    write(tmp_path, "Lib/Ops.lean", LIB)
    for header in ("import all Lib.Ops", "public import Lib.Ops", "public meta import Lib.Ops", "module\n\nimport Lib.Ops"):
        src = header + "\n\nmy_cmd x\n"
        user = write(tmp_path, "User.lean", src)
        result = parse_file(user, resolver=ModuleResolver([tmp_path]))
        assert errors(result) == [], header
        assert result.tree.to_source() == src


def test_missing_import_is_ignored(tmp_path):
    src = "import Does.Not.Exist\nimport Lean\n\ndef x : Nat := 1\n"
    user = write(tmp_path, "A.lean", src)
    result = parse_file(user, resolver=ModuleResolver([tmp_path]))
    assert errors(result) == []


def test_transitive_import(tmp_path):
    write(tmp_path, "Lib/Ops.lean", LIB)
    write(tmp_path, "Lib/Middle.lean", "import Lib.Ops\n\ndef g := 1 +++ 1\n")
    user = write(tmp_path, "User.lean", "import Lib.Middle\n\nmy_cmd bar\n#eval 2 +++ 2\n")
    result = parse_file(user, resolver=ModuleResolver([tmp_path]))
    assert errors(result) == []


def test_import_cycle_terminates_and_keeps_the_other_side(tmp_path):
    write(tmp_path, "A.lean", 'import B\nsyntax "from_a" : command\n')
    write(tmp_path, "B.lean", 'import A\nsyntax "from_b" : command\n')
    resolver = ModuleResolver([tmp_path])
    user = write(tmp_path, "C.lean", "import A\n\nfrom_a\nfrom_b\n")
    result = parse_file(user, resolver=resolver)
    assert errors(result) == []
    # A file of the cycle parses too (its own import of itself is cut)
    assert errors(parse_file(tmp_path / "A.lean", resolver=resolver)) == []


def test_local_is_not_exported_scoped_needs_open(tmp_path):
    write(
        tmp_path,
        "Lib.lean",
        "namespace Foo\n"
        'local syntax "loc_cmd" : command\n'
        'scoped syntax "scoped_cmd" : command\n'
        "scoped infixl:65 \" <<+>> \" => HAdd.hAdd\n"
        "loc_cmd\n"
        "end Foo\n",
    )
    resolver = ModuleResolver([tmp_path])
    # the declaring file uses both
    assert errors(parse_file(tmp_path / "Lib.lean", resolver=resolver)) == []
    bad = write(tmp_path, "Bad.lean", "import Lib\nloc_cmd\n")
    assert errors(parse_file(bad, resolver=resolver))
    closed = write(tmp_path, "Closed.lean", "import Lib\nscoped_cmd\n")
    assert errors(parse_file(closed, resolver=resolver))
    opened = write(tmp_path, "Opened.lean", "import Lib\nopen Foo\nscoped_cmd\n#eval 1 <<+>> 2\n")
    assert errors(parse_file(opened, resolver=resolver)) == []
    inside = write(tmp_path, "Inside.lean", "import Lib\nnamespace Foo.Bar\nscoped_cmd\nend Foo.Bar\n")
    assert errors(parse_file(inside, resolver=resolver)) == []


def test_flattened_layout_in_a_subfolder(tmp_path):
    write(tmp_path, "lib/Lib__Ops.lean", LIB)
    user = write(tmp_path, "tests/User.lean", USER)
    resolver = ModuleResolver([tmp_path])
    assert resolver.find("Lib.Ops") == tmp_path / "lib" / "Lib__Ops.lean"
    assert resolver.find("Lib.Nope") is None
    assert errors(parse_file(user, resolver=resolver)) == []


def test_default_resolver_is_rooted_at_the_corpus(tmp_path):
    write(tmp_path, "MANIFEST.tsv", "path\tkind\n")
    write(tmp_path, "parse/Lib__Ops.lean", LIB)
    user = write(tmp_path, "parse/User.lean", USER)
    assert project_root(user) == tmp_path
    assert default_resolver(user).find("Lib.Ops") == tmp_path / "parse" / "Lib__Ops.lean"
    assert errors(parse_file(user)) == []  # no resolver given: the default one
    # parse_source without a resolver reads no imports
    assert errors(parse_source(USER, "User.lean"))


def test_each_module_is_read_once(tmp_path, monkeypatch):
    write(tmp_path, "Lib/Ops.lean", LIB)
    write(tmp_path, "M1.lean", "import Lib.Ops\n")
    write(tmp_path, "M2.lean", "import Lib.Ops\n")
    resolver = ModuleResolver([tmp_path])
    env = resolver.env_of("Lib.Ops")
    assert env is not None and len(own(env)) == 3
    assert resolver.env_of("Lib.Ops") is env
    user = write(tmp_path, "User.lean", "import M1\nimport M2\nmy_cmd x\n")
    result = parse_file(user, resolver=resolver)
    assert errors(result) == []
    # the diamond M1/M2 -> Lib.Ops registers each declaration once
    assert len(resolver.env_of("M1").decls) == len(env)
    assert resolver.env_of("M1").decls == env.decls


def test_exports_skip_comments_and_strings(tmp_path):
    write(
        tmp_path,
        "Lib.lean",
        '/-- A doc comment that mentions\nsyntax "in_doc" : command\n-/\n'
        'def s := "\nsyntax \\"in_string\\" : command\n"\n'
        'syntax "real_cmd" : command\n',
    )
    resolver = ModuleResolver([tmp_path])
    env = resolver.env_of("Lib")
    assert [str(d) for d in own(env)] == ['syntax "real_cmd" : command']


def test_trailing_tactic_pattern_and_declmodifiers_command():
    src = (
        'syntax "map_tacs " "[" sepBy(tactic, "; ") "]" : tactic\n'
        'macro:1 t:tactic " <;> " "[" ts:sepBy(tactic, "; ") "]" : tactic => `(tactic| skip)\n'
        'elab mods:declModifiers "alias " a:ident " := " b:ident : command => pure ()\n'
        "example : True ∧ True := by\n"
        "  constructor <;> [trivial; exact trivial]\n"
        "@[simp] protected alias foo := bar\n"
    )
    result = parse_source(src, "t.lean")
    assert errors(result) == []
    assert "tactic_notation" in kinds(result.tree)


def test_hash_command_tokens_keep_builtin_forms():
    src = (
        'elab tk:"#print" &"dependents" ids:(ident)* : command => pure ()\n'
        'syntax "#lint" ("+" <|> "-")? "*"? (&" only")? (ident)* : command\n'
        "#print dependents Nat\n"
        "#print axioms Nat.add\n"
        '#print "hello"\n'
        "#lint- only docBlame\n"
        "#check 1\n"
    )
    result = parse_source(src, "t.lean")
    assert errors(result) == []
    assert result.tree.to_source() == src


def test_user_command_and_builtin_keyword_take_the_longest():
    src = (
        'syntax "open" " private" (ident)* (" from" (ident)*)? : command\n'
        "open private secret from Other.Module in\n"
        "def x := 1\n"
        "open Nat in\n"
        "def y := 1\n"
    )
    result = parse_source(src, "t.lean")
    assert errors(result) == []


def test_init_syntax_is_implicit_unless_prelude():
    assert len(init_env()) > 0
    src = "namespace List\ntheorem p (l : List Nat) : l ~ l := sorry\nend List\n"
    assert errors(parse_source(src)) == []
    # `~` is scoped to `List`: outside it is not an operator
    assert errors(parse_source("theorem p (l : List Nat) : l ~ l := sorry\n"))
    assert errors(parse_source("prelude\nnamespace List\ntheorem p : l ~ l := sorry\nend List\n"))


def test_cli_parse_search_path(tmp_path, capsys):
    from nleanjit import cli

    write(tmp_path, "lib/Lib/Ops.lean", LIB)
    user = write(tmp_path, "work/User.lean", USER)
    assert cli.main(["parse", str(user)]) == 1  # the file's own folder has no Lib/Ops.lean
    assert f"{user}:1:14: error:" in capsys.readouterr().out
    assert cli.main(["parse", "--search-path", str(tmp_path / "lib"), str(user)]) == 0
    assert capsys.readouterr().out == ""
