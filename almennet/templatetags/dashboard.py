from django import template

from almennet.dashboard import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panels(context):
    """The start page's panels for the user of this request (templates/admin/index.html)."""
    request = context.get("request")
    return panels_for(user=request.user) if request is not None else []
