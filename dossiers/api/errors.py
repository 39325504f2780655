"""One JSON body for every refusal the API gives.

    {"code": "<machine code>", "message": "<Vietnamese sentence>", "errors": [{...,"message": ...}]}

Domain refusals (``DomainError`` and its subclasses) keep their own code,
message, details and status (400, 403, 409). DRF's validation errors become
400 ``invalid`` with one entry per field; authentication, permission, not
found, method, throttling, parsing and media type refusals get a fixed code
and a Vietnamese message. Anything else is not handled here: it stays a 500
and reaches the logs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from dossiers.exceptions import DomainError


class ErrorSerializer(serializers.Serializer):
    """The error body, for the OpenAPI schema."""

    code = serializers.CharField(help_text="Mã lỗi cho máy đọc, ví dụ missing_documents.")
    message = serializers.CharField(help_text="Câu thông báo bằng tiếng Việt.")
    errors = serializers.ListField(
        child=serializers.DictField(), help_text="Chi tiết: field/row/column..., message."
    )


def error_response(code: str, message, errors=None, *, status_code: int, headers=None) -> Response:
    return Response({"code": code, "message": str(message), "errors": errors or []},
                    status=status_code, headers=headers)


def _details(details) -> list[dict]:
    """A DomainError's details as a list of objects that each carry a message."""
    if not details:
        return []
    if isinstance(details, dict):
        return [{"field": key, "message": str(value)} for key, value in details.items()]
    result = []
    for item in details:
        if isinstance(item, dict):
            result.append({key: (str(value) if key == "message" else value) for key, value in item.items()})
        else:
            result.append({"message": str(item)})
    return result


def _flatten(detail, path: str = "") -> list[dict]:
    """DRF's nested error structure as a flat list, fields named by dotted path."""
    if isinstance(detail, dict):
        result = []
        for key, value in detail.items():
            name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            result += _flatten(value, f"{path}.{name}" if path and name else (name or path))
        return result
    if isinstance(detail, list):
        result = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                result += _flatten(item, f"{path}.{index}" if path else str(index))
            else:
                result += _flatten(item, path)
        return result
    entry = {"message": str(detail)}
    if path:
        entry = {"field": path, **entry}
    code = getattr(detail, "code", None)
    if code:
        entry["code"] = code
    return [entry]


def _generic(exc: exceptions.APIException, request) -> tuple[str, str, list]:
    """Code, Vietnamese message and details for DRF's own refusals."""
    if isinstance(exc, exceptions.ValidationError):
        return "invalid", _("Dữ liệu gửi lên không hợp lệ."), _flatten(exc.detail)
    if isinstance(exc, exceptions.NotAuthenticated):
        return "not_authenticated", _("Bạn cần đăng nhập: hãy gửi kèm mã xác thực (token)."), []
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "not_authenticated", _("Mã xác thực không hợp lệ hoặc tài khoản đã bị khóa."), []
    if isinstance(exc, exceptions.PermissionDenied):
        return "permission_denied", _("Bạn không có quyền thực hiện thao tác này."), []
    if isinstance(exc, exceptions.NotFound):
        return "not_found", _("Không tìm thấy."), []
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = getattr(request, "method", "") or ""
        return "method_not_allowed", _("Địa chỉ này không nhận phương thức %(method)s.") % {"method": method}, []
    if isinstance(exc, exceptions.Throttled):
        if exc.wait:
            message = _("Bạn gửi quá nhiều yêu cầu; hãy thử lại sau %(seconds)d giây.") % {"seconds": exc.wait}
        else:
            message = _("Bạn gửi quá nhiều yêu cầu; hãy thử lại sau.")
        return "throttled", message, []
    if isinstance(exc, exceptions.ParseError):
        return "parse_error", _("Không đọc được nội dung yêu cầu (sai định dạng)."), []
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return ("unsupported_media_type",
                _("Địa chỉ này không nhận kiểu nội dung gửi lên; hãy dùng kiểu được ghi trong tài liệu API."), [])
    if isinstance(exc, exceptions.NotAcceptable):
        return "not_acceptable", _("Không trả được kết quả theo định dạng yêu cầu (Accept)."), []
    return exc.default_code, str(exc.detail), []


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every refusal in the one body; None (a 500) for the rest."""
    if isinstance(exc, DomainError):
        set_rollback()
        return error_response(exc.code, exc.message, _details(exc.details), status_code=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    code, message, errors = _generic(exc, (context or {}).get("request"))
    set_rollback()
    return error_response(code, message, errors, status_code=exc.status_code or status.HTTP_400_BAD_REQUEST,
                          headers=headers)
