"""Start-up checks of what the strategy app needs from the machine."""

from django.core.checks import Warning, register

from strategy.diagram import dot_available


@register()
def graphviz_installed(app_configs, **kwargs):
    """The map diagram is laid out by Graphviz's ``dot``; without it maps show as lists."""
    if dot_available():
        return []
    return [
        Warning(
            "Graphviz's dot program is not installed, so strategy maps are shown as lists "
            "instead of diagrams.",
            hint="Install the Debian package graphviz: apt-get install graphviz",
            id="strategy.W001",
        )
    ]
