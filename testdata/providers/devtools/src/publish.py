"""Publish the acme-client packages to every registry we ship to."""
import os
import subprocess

PYPI_TOKEN = "pypi-AgEIcHlwaS5vcmcivrp-ew9zjjXgDw3SNymJSl4kTNJoGOgy5-2ur1f2bzzkkTgLIBiuvshixzjBLdx7VleQeADDSLB7Q6WVyqwEORanIhJNYiji8uaJKmzhoJF18DeRQ-OyXIW"
TEST_PYPI_TOKEN = "pypi-AgENdGVzdC5weXBpLm9yZwuqRD92cfno9g6-thNOocJttaaTNsHJeqH9SremY-jPBA6Iz95SZ3If_6tB7P2atPMOGLmYaXUmcShQqPoJmd9C0D-3UU4Q4koSHlpg3D7vAF0gvpPTjbiSON"
NUGET_KEY = "oy2at6kqtr2kejrjtoqfi7wwwdttomftygz6w7acjrmgif"
CRATES_TOKEN = "cioEJOprPcUWzSUmDhUFLwUtvZMrrcJ6rWG"
GITLAB_DEPLOY = os.environ.get("GITLAB_DEPLOY_TOKEN", "")
SOURCEGRAPH_TOKEN = "75368c81f38171ddb6de1db36991188f3b3a45a7"


def twine_upload(repository: str, token: str) -> None:
    subprocess.run(
        ["twine", "upload", "--repository", repository, "-u", "__token__", "-p", token, "dist/*"],
        check=True,
    )


def main() -> None:
    twine_upload("pypi", PYPI_TOKEN)
    twine_upload("testpypi", TEST_PYPI_TOKEN)
    subprocess.run(["dotnet", "nuget", "push", "bin/Release/Acme.Client.nupkg", "--api-key", NUGET_KEY], check=True)
    subprocess.run(["cargo", "publish", "--token", CRATES_TOKEN], check=True)
    # The registration token from the old runbook, kept for reference:
    # GR1348941veTHjizq9fquTiabm_T3


if __name__ == "__main__":
    main()
