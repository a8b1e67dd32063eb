"""In-process patches of moto 5.2.6 bugs that stop a correct client or policy under IAM enforcement.

Each patch is the smallest change that makes moto behave as AWS documents; each says which bug it
works around, so it can be dropped when moto fixes it. All are idempotent and only matter while
IAM is enforced (moto skips access control otherwise).
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, unquote

__all__ = ["patch_moto"]

# moto <= 5.2.5 authorised S3 requests with IAM action names; 5.2.6 passes the API operation name
# (s3:HeadObject, s3:ListObjectsV2, s3:CopyObject ...), none of which is an IAM action, so a correct
# least-privilege policy is refused. The map follows the Service Authorization Reference.
S3_OPERATION_TO_IAM_ACTION = {
    "HeadObject": "GetObject",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "CopyObject": "PutObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "UploadPartCopy": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "ListParts": "ListMultipartUploadParts",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "DeleteObjects": "DeleteObject",
    "ListBuckets": "ListAllMyBuckets",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
}


def _s3_iam_actions() -> None:
    """S3 operation names -> IAM actions; plus two checks AWS makes and moto does not: GetObject on
    a copy's source, and DeleteObject per key of a multi-object delete (moto checks the bucket ARN,
    which no object-level grant matches, so every S3A rename would fail)."""
    from moto.iam import access_control as ac

    if getattr(ac.S3IAMRequest, "_piimask_patched", False):
        return
    original = ac.S3IAMRequest.check_action_permitted

    def check_action_permitted(self, resource: str) -> None:
        service, _, op = self._action.partition(":")
        self._action = f"{service}:{S3_OPERATION_TO_IAM_ACTION.get(op, op)}"
        query = self._path.partition("?")[2]
        if self._method == "POST" and "delete" in parse_qs(query, keep_blank_values=True):
            body = self._body if isinstance(self._body, bytes) else (self._body or b"")
            keys = [k.decode() for k in re.findall(rb"<Key>([^<]*)</Key>", body)]
            self._action = f"{service}:DeleteObject"
            for key in keys or [""]:  # all or nothing: AWS would report per key
                original(self, f"{resource}/{key}" if key else resource)
            return
        original(self, resource)
        src = self._headers.get("x-amz-copy-source")
        if src:
            src = unquote(src).lstrip("/").split("?versionId=")[0]
            self._action = f"{service}:GetObject"
            original(self, f"arn:aws:s3:::{src}")

    ac.S3IAMRequest.check_action_permitted = check_action_permitted
    ac.S3IAMRequest._piimask_patched = True


def _sigv4_signed_headers() -> None:
    """moto re-signs with botocore's SigV4Auth, which never signs User-Agent; the AWS SDK for Java
    v1 (S3A's) does, so every S3A request failed SignatureDoesNotMatch. Sign exactly the headers
    the request lists in SignedHeaders, as AWS does. Also: moto hashed its parsed-parameter dict
    as the payload of a bodiless GET (databrew:DescribeRecipe); hash b"" instead."""
    from botocore.auth import S3SigV4Auth, SigV4Auth, _host_from_url
    from botocore.awsrequest import HTTPHeaders
    from moto.iam import access_control as ac

    if getattr(ac.IAMRequestBase, "_piimask_sig_patched", False):
        return

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name, value in request.headers.items():
            header_map[name.lower()] = value  # moto already kept only the SignedHeaders
        if "host" not in header_map:
            header_map["host"] = _host_from_url(request.url)
        return header_map

    exact = type("ExactSigV4", (SigV4Auth,), {"headers_to_sign": headers_to_sign})
    exact_s3 = type("ExactS3SigV4", (S3SigV4Auth,), {"headers_to_sign": headers_to_sign})
    original_create = ac.IAMRequestBase._create_aws_request

    def _create_aws_request(self):
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            saved, self._data = self._data, {}
            try:
                return original_create(self)
            finally:
                self._data = saved
        return original_create(self)

    ac.IAMRequestBase._create_aws_request = _create_aws_request
    ac.IAMRequest._create_auth = lambda self, c: exact(c, self._service, self._region)
    ac.S3IAMRequest._create_auth = lambda self, c: exact_s3(c, self._service, self._region)
    ac.IAMRequestBase._piimask_sig_patched = True


def _resource_arns() -> None:
    """moto checks Secrets Manager and KMS calls against Resource "*" only, so the template's
    statements scoped to the keyring secret's and the data key's ARN never match. moto asks an
    optional ``_determine_resource`` hook; answer with the ARN the request names."""
    from moto.kms.responses import KmsResponse
    from moto.secretsmanager.responses import SecretsManagerResponse

    if getattr(SecretsManagerResponse, "_piimask_patched", False):
        return

    def params(response) -> dict:
        try:
            return json.loads(response.body or "{}")
        except ValueError:
            return {}

    def secret_arn(self) -> str:
        secret_id = params(self).get("SecretId") or params(self).get("Name")  # Name: CreateSecret
        if not secret_id:
            return "*"
        secret = self.backend.secrets.get(secret_id)
        # unknown secret: a would-be ARN, so the policy decides before ResourceNotFound
        return (
            secret.arn
            if secret
            else f"arn:aws:secretsmanager:{self.region}:{self.current_account}:secret:{secret_id}"
        )

    def key_arn(self) -> str:
        p = params(self)
        key_id = p.get("KeyId") or p.get("DestinationKeyId")
        if not key_id and p.get("CiphertextBlob"):
            from moto.kms.utils import _deserialize_ciphertext_blob

            try:
                key_id = _deserialize_ciphertext_blob(base64.b64decode(p["CiphertextBlob"])).key_id
            except Exception:
                return "*"
        try:
            return self.kms_backend.describe_key(key_id).arn if key_id else "*"
        except Exception:
            return "*"

    SecretsManagerResponse._determine_resource = secret_arn
    KmsResponse._determine_resource = key_arn
    SecretsManagerResponse._piimask_patched = True


def _no_prefixes_of_deleted_objects() -> None:
    """moto's ListObjects(V2) with a delimiter reports a common prefix for every key name in a
    versioned bucket, including keys whose current version is a delete marker; S3 lists only
    prefixes that hold a current object. Hadoop then sees a folder it just deleted (its commit's
    ``_temporary``, a published stage) and fails the next write. Drop such prefixes."""
    from moto.s3.models import FakeDeleteMarker, S3Backend

    if getattr(S3Backend, "_piimask_prefix_patched", False):
        return
    original = S3Backend.list_objects

    def list_objects(self, bucket, prefix, delimiter, marker, max_keys):
        keys, folders, truncated, next_marker = original(self, bucket, prefix, delimiter, marker, max_keys)
        if delimiter and folders:
            live = [n for n, k in bucket.keys.items() if not isinstance(k, FakeDeleteMarker)]
            folders = [f for f in folders if any(n.startswith(f) for n in live)]
        return keys, folders, truncated, next_marker

    S3Backend.list_objects = list_objects
    S3Backend._piimask_prefix_patched = True


def _glue_and_databrew_arns() -> None:
    """moto checks every Glue call and DataBrew recipe call against Resource "*" only, so a grant
    scoped to ``job/NAME``, ``recipe/NAME`` (the deployer's, as docs/aws.md lists it) or to the
    catalog, a database and its tables (the template's job role) never matches.

    - Jobs and recipes: answer with the ARN of the job or recipe the request names.
    - Data Catalog calls (databases, tables, partitions): AWS authorises them against each
      resource they touch (the catalog, the database, the table: "Specifying AWS Glue resource
      ARNs" in the Glue developer guide), all of which must be allowed: answer with those ARNs,
      and check each of them.
    """
    from moto.databrew.responses import DataBrewResponse
    from moto.glue.responses import GlueResponse
    from moto.iam import access_control as ac

    if getattr(GlueResponse, "_piimask_patched", False):
        return

    def catalog_arns(self, p: dict) -> tuple[str, ...]:
        base = f"arn:aws:glue:{self.region}:{p.get('CatalogId') or self.current_account}"
        db = p.get("DatabaseName") or (p.get("DatabaseInput") or {}).get("Name")
        table = (p.get("TableInput") or {}).get("Name") or p.get("TableName")
        if db is None:
            db = p.get("Name")  # GetDatabase, DeleteDatabase
        elif table is None:
            table = p.get("Name") or ("*" if self._get_action() == "GetTables" else None)
        arns = [f"{base}:catalog"]
        if db:
            arns.append(f"{base}:database/{db}")
            if table:
                arns.append(f"{base}:table/{db}/{table}")
        return tuple(arns)

    def glue_arns(self) -> tuple[str, ...] | str:
        try:
            p = json.loads(self.body or "{}")
        except ValueError:
            return "*"
        action = self._get_action()
        if re.search("Database|Table|Partition", action):
            return catalog_arns(self, p)
        name = p.get("JobName") or (p.get("Name") if action == "CreateJob" else None)
        return f"arn:aws:glue:{self.region}:{self.current_account}:job/{name}" if name else "*"

    def recipe_arn(self) -> str:
        parts = unquote(self.parsed_url.path).strip("/").split("/")
        name = parts[1] if parts[0] == "recipes" and len(parts) > 1 else None
        if parts == ["recipes"] and self.method == "POST":  # CreateRecipe names it in the body
            name = json.loads(self.body or "{}").get("Name")
        return f"arn:aws:databrew:{self.region}:{self.current_account}:recipe/{name}" if name else "*"

    original = ac.IAMRequest.check_action_permitted

    def check_action_permitted(self, resource) -> None:
        for one in resource if isinstance(resource, tuple) else (resource,):
            original(self, one)

    GlueResponse._determine_resource = glue_arns
    DataBrewResponse._determine_resource = recipe_arn
    ac.IAMRequest.check_action_permitted = check_action_permitted
    GlueResponse._piimask_patched = True


def patch_moto() -> None:
    _sigv4_signed_headers()
    _s3_iam_actions()
    _resource_arns()
    _glue_and_databrew_arns()
    _no_prefixes_of_deleted_objects()
