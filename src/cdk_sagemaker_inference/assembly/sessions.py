"""Per-environment AWS sessions for the commands that read an account (guard, preflight), as the CDK CLI
makes them: one session per account and Region; the credentials' own account used directly, another
account through the stack's bootstrap lookup role named in the assembly (``${AWS::Partition}`` resolved
from the Region). boto3 is imported by the caller (it is optional: synthesizing needs none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["SessionError", "Sessions", "explain", "partition_of"]


class SessionError(Exception):
    """The caller's identity cannot be read at all (no credentials): nothing can be checked."""


def partition_of(region: str) -> str:
    """The AWS partition of a Region (for the lookup role's ``${AWS::Partition}``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isof"):
        return "aws-iso-f"
    if region.startswith("eu-isoe"):
        return "aws-iso-e"
    if region.startswith("us-iso"):
        return "aws-iso-b" if region.startswith("us-isob") else "aws-iso"
    return "aws"


class Sessions:
    """One session per account and Region; the caller's account asked once.

    :param base: a ``boto3.Session`` with the user's credentials (profile).
    :param factory: ``boto3.Session`` (makes the sessions of assumed lookup roles).
    :param session_name: the ``RoleSessionName`` of assumed roles (which command is reading).
    """

    def __init__(self, base: Any, factory: Callable[..., Any], session_name: str) -> None:
        self._base = base
        self._factory = factory
        self._session_name = session_name
        self._sessions: dict[tuple[str | None, str], Any] = {}
        self._caller: str | None = None

    @property
    def default_region(self) -> str | None:
        """The configured Region of the base session (None: none configured)."""
        region = getattr(self._base, "region_name", None)
        return str(region) if region else None

    def caller_account(self, region: str | None = None) -> str:
        """The credentials' account (asked once). ``region``: where to ask STS when the credentials
        configure no Region (a stack's own Region: an app of pinned stacks needs none configured)."""
        if self._caller is None:
            try:
                identity = self._base.client("sts", region_name=region or self.default_region).get_caller_identity()
            except Exception as error:
                raise SessionError(explain(error)) from error
            self._caller = str(identity["Account"])
        return self._caller

    def session_for(self, account: str | None, region: str, lookup_role_arn: str | None) -> Any:
        """A session (``client(service)``) for ``account`` in ``region``; ``PermissionError`` when the
        account is another one and its lookup role cannot be assumed."""
        key = (account, region)
        if key in self._sessions:
            return self._sessions[key]
        if account is None or account == self.caller_account(region):
            session: Any = _Regional(self._base, region)
        else:
            if not lookup_role_arn:
                raise PermissionError(f"the credentials are for account {self.caller_account()}, the stack is in "
                                      f"{account}, and the assembly names no lookup role to assume")
            role = lookup_role_arn.replace("${AWS::Partition}", partition_of(region))
            try:
                credentials = self._base.client("sts", region_name=region).assume_role(
                    RoleArn=role, RoleSessionName=self._session_name)["Credentials"]
            except Exception as error:
                raise PermissionError(f"cannot assume the lookup role {role} (bootstrap the account with "
                                      f"`cdk bootstrap aws://{account}/{region}` and trust this account): "
                                      f"{explain(error)}") from error
            session = self._factory(aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"], region_name=region)
        self._sessions[key] = session
        return session


class _Regional:
    """The base session's clients in one Region (``Session(region_name=…)`` would change a shared session)."""

    def __init__(self, base: Any, region: str) -> None:
        self._base, self._region = base, region

    def client(self, service: str) -> Any:
        return self._base.client(service, region_name=self._region)


def explain(error: BaseException) -> str:
    """What went wrong reading AWS, and what to do (credential and Region errors in words)."""
    name = type(error).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return ("no AWS credentials found. Configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY, or an instance/role profile) for the account you deploy to.")
    if name == "NoRegionError":
        return "no AWS Region configured: pass --region or set AWS_DEFAULT_REGION."
    if name in ("ProfileNotFound", "PermissionError"):
        return str(error)
    return f"{name}: {error}"
