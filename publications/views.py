from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import selectors, services
from .filters import PublicationFilter
from .models import Publication, PublicationFile
from .selectors import Access

PER_PAGE = 20


def _refuse(request, access: Access, what: str):
    if access is Access.NOT_FOUND:
        raise Http404(what)
    if access is Access.LOGIN_REQUIRED:
        return redirect_to_login(request.get_full_path())
    return render(request, "publications/members_only.html", status=403)


@require_GET
def publication_list(request):
    publications = selectors.publication_list(user=request.user)
    filterset = PublicationFilter(request.GET, queryset=publications, request=request)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "publications/publication_list.html", {"filter": filterset, "page_obj": page}
    )


@require_GET
def publication_detail(request, slug):
    publication = get_object_or_404(
        Publication.objects.prefetch_related("organisations", "tags"), slug=slug
    )
    access = selectors.publication_access(publication=publication, user=request.user)
    if access not in (Access.ALLOWED, Access.PREVIEW):
        return _refuse(request, access, _("No such publication."))
    context = {
        "publication": publication,
        "is_preview": access is Access.PREVIEW,
        "files": selectors.publication_files(publication=publication, user=request.user),
        "related": selectors.related_for(publication, user=request.user),
    }
    return render(request, "publications/publication_detail.html", context)


@require_GET
def file_download(request, slug, pk):
    file = get_object_or_404(
        PublicationFile.objects.select_related("publication"), pk=pk, publication__slug=slug
    )
    access = selectors.file_access(file=file, user=request.user)
    if access not in (Access.ALLOWED, Access.PREVIEW):
        return _refuse(request, access, _("No such file."))
    storage = file.file.storage
    if hasattr(storage, "download_url"):
        # Object storage: a link signed for a short time, made only after the check above.
        if access is Access.ALLOWED:
            services.file_download_record(file=file)
        response = HttpResponseRedirect(
            storage.download_url(
                file.file.name, filename=file.download_name, content_type=file.content_type
            )
        )
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        handle = file.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing.")) from error
    if access is Access.ALLOWED:
        services.file_download_record(file=file)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=file.download_name,
        content_type=file.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
