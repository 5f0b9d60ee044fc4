"""The README's Python section runs as written (from the repository's root)."""

import os
import re


def python_blocks(readme: str) -> list:
    section = readme.split("## Python: `import rampart`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_readme_python_runs(repo, monkeypatch):
    blocks = python_blocks((repo / "README.md").read_text())
    assert len(blocks) >= 2
    monkeypatch.chdir(repo)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert os.getcwd() == str(repo)
