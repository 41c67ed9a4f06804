from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from almennet.related import row_notes_add

from . import selectors
from .filters import ProjectFilter

PER_PAGE = 20


@require_GET
def project_list(request):
    filterset = ProjectFilter(request.GET, queryset=selectors.project_list(), request=request)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = row_notes_add(page.object_list)
    return render(request, "projects/project_list.html", {"filter": filterset, "page_obj": page})


@require_GET
def project_detail(request, slug):
    project = selectors.project_for_detail(slug=slug)
    is_staff = request.user.is_authenticated and request.user.is_staff
    if project is None or not (project.is_published or is_staff):
        raise Http404(_("No such project."))
    context = {
        "project": project,
        "is_preview": not project.is_published,
        "funding": selectors.project_funding(project=project),
        "related": selectors.project_related(project=project, user=request.user),
    }
    return render(request, "projects/project_detail.html", context)
