"""The JSON API for programs: one NinjaAPI at /api/, each app mounting its own router.
OpenAPI at /api/openapi.json, interactive docs at /api/docs."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from saan.accounts.api import router as accounts_router
from saan.areas.api import router as areas_router
from saan.indicators.api import router as indicators_router
from saan.partners.api import router as partners_router
from saan.projects.api import router as projects_router

api = NinjaAPI(
    title="Saan API",
    version="1",
    description=(
        "ข้อมูลพื้นที่ ภาคี และสิทธิ์ของภาคีสานพลังพื้นที่เข้มแข็ง / Areas, partners and "
        "permissions of Thailand's area-based alliances. Send `Authorization: Bearer <token>` "
        "(make a token on your account page) or use a signed-in browser session."
    ),
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) or "ไม่พบข้อมูล / Not found"
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "ต้องเข้าสู่ระบบหรือส่งโทเคน / Sign in or send a token"}, status=401
    )


api.add_router("/", areas_router)
api.add_router("/", partners_router)
api.add_router("/", accounts_router)
api.add_router("/", projects_router)
api.add_router("/", indicators_router)
api.add_router("/forums/", "saan.forums.api.router")
api.add_router("/overlaps/", "saan.overlaps.api.router")
api.add_router("/plans/", "saan.plans.api.router")
api.add_router("/funds/", "saan.funds.api.router")
