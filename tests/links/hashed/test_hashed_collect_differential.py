"""Development's hashed names and bytes against collectstatic's output, name for name.

The trees are the manifest tests' (tests/manifest), themselves checked against Django:
for every file, ``static()`` must give the name in collectstatic's ``staticfiles.json``,
and a GET of that name must give the bytes collectstatic wrote there.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hashed_helpers import client_for, collected, settings_for, write_tree
from test_manifest_differential import COMMON_TREE, EDGE_TREE, generated_tree

from devstatic import static
from devstatic.finders import get_finders
from devstatic.links.hashed_names import HashedNames

TREES = {
    "common": COMMON_TREE,
    "edge": EDGE_TREE,
    "generated": generated_tree(seed=6, count=300),
}


@pytest.mark.parametrize("js_imports", [True, False], ids=["js-imports", "css-only"])
@pytest.mark.parametrize("tree_name", list(TREES))
async def test_names_and_bytes_equal_collectstatics(
    tmp_path: Path, tree_name: str, js_imports: bool
) -> None:
    write_tree(tmp_path / "static", TREES[tree_name])
    settings = settings_for(tmp_path, storage_options={"js-imports": js_imports})
    paths, root = collected(settings)
    assert paths
    async with client_for(settings) as client:
        for name, hashed in sorted(paths.items()):
            url = static(name, settings)
            assert url == "/static/" + quote(hashed), name
            response = await client.get(url)
            assert response.status_code == 200, name
            assert response.content == (root / hashed).read_bytes(), name


def test_names_do_not_depend_on_which_file_is_asked_first(tmp_path: Path) -> None:
    # One run answers for every file of its closure: asking leaves first or roots
    # first must give the same names.
    write_tree(tmp_path / "static", COMMON_TREE)
    settings = settings_for(tmp_path)
    paths, _ = collected(settings)
    for order in (sorted(paths), sorted(paths, reverse=True)):
        names = HashedNames(get_finders(settings), static_path="/static/")
        assert {name: names.hashed_name(name) for name in order} == paths


async def test_large_files_and_folder_references_match_collectstatic(tmp_path: Path) -> None:
    # A large image is hashed without being kept in memory; a reference to a folder is
    # kept as written, as collectstatic keeps it.
    big = bytes(range(256)) * 8192  # 2 MiB
    write_tree(
        tmp_path / "static",
        {
            "css/site.css": ".a { background: url(../img/big.png) }\n.b { src: url(../fonts) }\n",
            "img/big.png": big,
            "fonts/f.woff2": b"woff2",
        },
    )
    settings = settings_for(tmp_path)
    paths, root = collected(settings)
    async with client_for(settings) as client:
        for name in ("css/site.css", "img/big.png"):
            url = static(name, settings)
            assert url == f"/static/{paths[name]}"
            response = await client.get(url)
            assert response.content == (root / paths[name]).read_bytes()
