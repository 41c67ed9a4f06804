from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data (`seed_demo`), the benchmarks (`bench_search`, `bench_mail`, `make bench`),
    the SMTP sink and the demo PDF maker: development tools that the wheel does not install
    (setup.py leaves this package out), so a production install has no demo accounts."""

    name = "devtools"
    verbose_name = "Development tools"
