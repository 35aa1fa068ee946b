"""``devstatic.testing.static_client`` and the ``static_client`` pytest fixture."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from integration_helpers import CSS
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from devstatic.testing import static_client

pytest_plugins = ["pytester"]


def plain_app() -> Starlette:
    async def home(request: object) -> PlainTextResponse:
        return PlainTextResponse("home")

    return Starlette(routes=[Route("/", home)])


async def test_static_client_serves_static_files_and_reaches_the_app(static_dir: Path) -> None:
    async with static_client(plain_app(), dirs=[static_dir]) as client:
        assert str(client.base_url) == "http://testserver"
        css = await client.get("/static/css/global.css")
        assert css.status_code == 200
        assert css.content == CSS
        assert (await client.get("/")).text == "home"


async def test_static_client_turns_debug_on_for_an_app_with_debug_off(static_dir: Path) -> None:
    app = Starlette(debug=False)
    async with static_client(app, dirs=[static_dir]) as client:
        assert (await client.get("/static/css/global.css")).status_code == 200


async def test_static_client_reads_the_projects_pyproject(static_dir: Path) -> None:
    (static_dir.parent / "pyproject.toml").write_text(
        '[tool.devstatic]\nstatic-url = "/assets/"\ndirs = ["static"]\n'
    )
    async with static_client(plain_app()) as client:
        assert (await client.get("/assets/css/global.css")).content == CSS


USER_PROJECT = {
    "pyproject.toml": """
        [tool.devstatic]
        dirs = ["static"]

        [tool.pytest.ini_options]
        asyncio_mode = "auto"
        asyncio_default_fixture_loop_scope = "function"
        """,
    "static/css/global.css": "body { margin: 0; }\n",
    "with_app/conftest.py": """
        import pytest
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route


        async def home(request):
            return PlainTextResponse("home")


        @pytest.fixture
        def app():
            return Starlette(routes=[Route("/", home)])
        """,
    "with_app/test_site.py": """
        async def test_stylesheet_loads(static_client):
            response = await static_client.get("/static/css/global.css")
            assert response.status_code == 200
            assert response.text == "body { margin: 0; }\\n"


        async def test_pages_still_reach_the_app(static_client):
            assert (await static_client.get("/")).text == "home"


        async def test_a_missing_file_is_a_404(static_client):
            assert (await static_client.get("/static/css/nope.css")).status_code == 404
        """,
    "without_app/test_plain.py": """
        def test_nothing_to_do_with_static():
            assert True


        def test_wants_static_client(static_client):
            pass
        """,
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())


def test_static_client_fixture_uses_the_users_app_and_leaves_other_suites_alone(
    pytester: pytest.Pytester,
) -> None:
    """One run of a user's suite (a pytest start-up is the slow part): the plugin is loaded
    from its entry point; tests with an ``app`` fixture get the client; a suite without one
    runs as before, and asking for the client there names the missing ``app`` fixture."""
    write_tree(pytester.path, USER_PROJECT)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-rA"
    )
    result.stdout.fnmatch_lines(
        [
            "*fixture 'app' not found*",
            "PASSED with_app/test_site.py::test_stylesheet_loads",
            "PASSED with_app/test_site.py::test_pages_still_reach_the_app",
            "PASSED with_app/test_site.py::test_a_missing_file_is_a_404",
            "PASSED without_app/test_plain.py::test_nothing_to_do_with_static",
            "ERROR without_app/test_plain.py::test_wants_static_client*",
        ],
        consecutive=False,
    )
    result.assert_outcomes(passed=4, errors=1)
