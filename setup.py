"""Packaging beyond what pyproject.toml can say: the project-level templates, static files and
catalogues (templates/, static/, locale/, locale_vendor/) sit beside the apps in the checkout,
and the wheel carries them inside the almennet package as almennet/project_<name>/, where
almennet/settings.py finds them when it runs from site-packages."""

from setuptools import find_packages, setup

BUNDLED = ["templates", "static", "locale", "locale_vendor"]
APP_DATA = ["templates/**/*", "static/**/*", "locale/**/*", "schemas/**/*", "fonts/**/*"]

# Every app of the portal; tests, the benchmark and development tools stay in the checkout.
packages = find_packages(exclude=["tests", "tests.*", "bench", "bench.*", "devtools", "devtools.*"])
setup(
    packages=packages + [f"almennet.project_{name}" for name in BUNDLED],
    package_dir={f"almennet.project_{name}": name for name in BUNDLED},
    package_data={
        **{package: APP_DATA for package in packages if "." not in package},
        **{f"almennet.project_{name}": ["**/*"] for name in BUNDLED},
    },
    include_package_data=False,
)
