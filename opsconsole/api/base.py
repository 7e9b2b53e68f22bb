"""What every API resource shares: the pages' role rules, a participant's own things only, and the models' own
validation, so the API refuses exactly what the pages refuse, in the same words, and the trail records who did it."""
import copy
import datetime
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import IntegrityError, models, transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from django_filters.utils import get_model_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from opsconsole.accounts.models import Role
from opsconsole.registration.models import Participant

STAFF = (Role.NOC, Role.HELPDESK)
NOC = (Role.NOC,)
EVERYONE = (Role.NOC, Role.HELPDESK, Role.PARTICIPANT)
# Copied from the model field where the model words them for a person (the plan's choices, an empty ESSID).
MODEL_MESSAGES = {"invalid_choice": "invalid_choice", "blank": "blank"}


def drf_message(message) -> str:
    """A model message with "%(value)s" in DRF's "{input}" form, still translated when it is shown."""
    return lazy(lambda: str(message).replace("%(value)s", "{input}"), str)()


def role_of(user) -> str | None:
    return getattr(user, "role", None)


def own_participant(request) -> Participant | None:
    """The participant record of the signed-in participant account, looked up once per request."""
    if not hasattr(request, "_own_participant"):
        request._own_participant = Participant.objects.filter(user=request.user).first()
    return request._own_participant


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class RoleAccess(BasePermission):
    """The role rules of the pages: each view names the roles that may read it, write it, or run one of its actions."""

    message = _("Your role may not do this.")

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        roles = view.action_roles.get(view.action)
        if roles is None:
            roles = view.read_roles if request.method in SAFE_METHODS else view.write_roles
        return role_of(request.user) in roles


class ConsoleAccess:
    """Mixed into every viewset: staff see everything their role reads; a participant sees only what `owned_by`
    keeps, so another participant's thing is simply not found (404)."""

    permission_classes = [RoleAccess]
    read_roles: tuple[str, ...] = STAFF
    write_roles: tuple[str, ...] = NOC
    action_roles: dict[str, tuple[str, ...]] = {}

    def get_queryset(self):
        queryset = super().get_queryset()
        if role_of(self.request.user) != Role.PARTICIPANT:
            return queryset
        participant = own_participant(self.request)
        return self.owned_by(queryset, participant) if participant else queryset.none()

    def owned_by(self, queryset: models.QuerySet, participant: Participant) -> models.QuerySet:
        return queryset.none()


class ReadOnlyViewSet(ConsoleAccess, viewsets.ReadOnlyModelViewSet):
    pass


class ModelViewSet(ConsoleAccess, viewsets.ModelViewSet):
    """Each change is one transaction: validation, locks taken while validating, the save and its trail entry."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head"]

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def act_on_locked(self, pk: str, body: type[serializers.Serializer],
                      act: Callable[[models.Model, dict], object]) -> Response:
        """An action's course: check the BODY sent, lock the object, ACT on it with the checked body, show it."""
        asked = body(data=self.request.data)
        asked.is_valid(raise_exception=True)
        with transaction.atomic():
            found = get_object_or_404(self.get_queryset().select_for_update(of=("self",)), pk=pk)
            act(found, asked.validated_data)
        return Response(self.get_serializer(found).data)

    def perform_destroy(self, instance) -> None:
        try:
            with transaction.atomic():
                instance.delete()
        except models.ProtectedError as error:
            users = ", ".join(sorted(str(obj) for obj in error.protected_objects))
            raise Conflict(_("%(kind)s %(name)s is still in use by %(users)s; move or delete those first.") % {
                "kind": instance._meta.verbose_name, "name": instance, "users": users}) from None


def plain_errors(error: ModelValidationError, names: dict[str, str]) -> dict[str, list[str]]:
    """The model's messages by serializer field name; the model's whole-object errors under non_field_errors."""
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else names.get(field, field)
        errors.setdefault(key, []).extend(messages)
    return errors


class UtcDateTimeField(serializers.DateTimeField):
    """Times in UTC: the console's zone gives dates before its standard time an offset in seconds (+09:18:59),
    which RFC 3339 has no room for."""

    def default_timezone(self):
        return datetime.timezone.utc


class ApiSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateTimeField: UtcDateTimeField}


class ModelCleanSerializer(ApiSerializer):
    """Validated by the model's full_clean (DESIGN decision 9). The serializer checks only JSON types; ranges,
    uniqueness and every cross-field rule are the model's, with its messages."""

    def build_standard_field(self, field_name, model_field):
        if model_field.unique:
            # The model's validate_unique names the clash in its own words; DRF's validator would say "already exists".
            model_field = copy.copy(model_field)
            model_field.unique = False
        return super().build_standard_field(field_name, model_field)

    def get_fields(self):
        fields = super().get_fields()
        model = self.Meta.model
        for field in fields.values():
            model_field = _model_field(model, field.source)
            if model_field is None:
                continue
            for ours, theirs in MODEL_MESSAGES.items():
                message = model_field.error_messages.get(theirs)
                if message and message != models.Field.default_error_messages.get(theirs) and ours in field.error_messages:
                    field.error_messages[ours] = drf_message(message)
            if model_field.error_messages.get("blank") != models.Field.default_error_messages["blank"]:
                field.error_messages["required"] = model_field.error_messages["blank"]
        return fields

    def get_validators(self) -> list:
        return []  # unique-together rules, likewise left to the model

    def prepare(self, instance: models.Model, extra: dict) -> None:
        """Before cleaning: set what is not a plain model field (a write-only secret, given in EXTRA) or what the
        request does not send (the participant of a self-service device)."""

    def refine(self, error: ModelValidationError) -> ModelValidationError:
        """The model's refusal as this caller may read it (a participant is not told who owns a MAC)."""
        return error

    def validate(self, attrs: dict) -> dict:
        model = self.Meta.model
        instance = self.instance if self.instance is not None else model()
        self._many, extra = {}, {}
        for name, value in attrs.items():
            field = _model_field(model, name)
            if field is None:
                extra[name] = value
            elif field.many_to_many:
                self._many[name] = value
            else:
                setattr(instance, name, value)
        self.prepare(instance, extra)
        self._full_clean(instance)
        self._cleaned = instance
        return attrs

    def _full_clean(self, instance: models.Model) -> None:
        sources = {field.source for field in self._writable_fields}
        # Like a ModelForm: fields the API does not write (bookkeeping, secrets set by prepare) are not re-checked.
        exclude = {field.name for field in instance._meta.fields if field.name not in sources}
        try:
            instance.full_clean(exclude=exclude)
        except ModelValidationError as error:
            names = {field.source: name for name, field in self.fields.items()}
            raise serializers.ValidationError(plain_errors(self.refine(error), names)) from None

    def create(self, validated_data: dict):
        return self._save()

    def update(self, instance, validated_data: dict):
        return self._save()

    def _save(self):
        instance = self._cleaned
        try:
            with transaction.atomic():
                instance.save()
                for name, value in self._many.items():
                    getattr(instance, name).set(value)
        except IntegrityError:
            # Another request saved a clashing row after this one was validated; validating again names it.
            self._full_clean(instance)
            raise Conflict(_("Someone changed this at the same moment; send it again.")) from None
        return instance


def _model_field(model: type[models.Model], name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a serializer-only field, or a dotted source such as "user.username"
        return None


def filter_set(model: type[models.Model], *fields: str, **aliases: str) -> type[FilterSet]:
    """Query filters over MODEL: FIELDS by their own names, and each alias="path" (e.g. vlan="vlan__vid")."""
    declared = {alias: FilterSet.filter_for_field(get_model_field(model, path), path) for alias, path in aliases.items()}
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}Filter", (FilterSet,), {"Meta": meta, **declared})
