#!/usr/bin/env bash
# Fetch the JVM jars that the S3A / Iceberg tests put on spark.jars, with Maven, from Maven Central,
# into a cache outside git. Each jar is fetched alone (no transitive dependencies: pyspark 3.5.6
# already bundles hadoop-client-api/runtime 3.3.4, and the two bundles are shaded).
#
#   tools/fetch_jars.sh            fetch what is missing or corrupt, verify all; print the directory
#   tools/fetch_jars.sh --check    verify only, fetch nothing (exit 1 if a jar is missing or corrupt)
#
# Cache directory: $PIIMASK_JAR_CACHE, default ~/.cache/piimask/jars. Maven: $MVN, default mvn.
# Idempotent: a jar already in the cache whose sha1 matches the pin below is not fetched again.
# The pins are the .sha1 files Maven Central publishes; Maven's own download is also run with
# --strict-checksums, so a transfer that does not match Central's .sha1 fails there first.
set -euo pipefail

CACHE="${PIIMASK_JAR_CACHE:-$HOME/.cache/piimask/jars}"
MVN="${MVN:-mvn}"
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

# groupId:artifactId:version  sha1 (Maven Central's published .sha1)
#  - hadoop-aws 3.3.4: the S3A connector matching pyspark 3.5.6's hadoop-client-api-3.3.4.jar
#    (and Glue 5.1's Hadoop 3.3.x).
#  - aws-java-sdk-bundle 1.12.262: the version hadoop-aws 3.3.4 declares (aws-java-sdk.version in
#    org.apache.hadoop:hadoop-project:3.3.4). hadoop-aws' only other non-test dependency,
#    wildfly-openssl (runtime), is needed only for fs.s3a.ssl.channel.mode=openssl.
#  - iceberg-spark-runtime-3.5_2.12 1.10.0: Glue 5.1's Iceberg.
#  - iceberg-aws-bundle 1.10.0: AWS SDK v2 for Iceberg's GlueCatalog and S3FileIO.
ARTIFACTS=(
  "org.apache.hadoop:hadoop-aws:3.3.4 a65839fbf1869f81a1632e09f415e586922e4f80"
  "com.amazonaws:aws-java-sdk-bundle:1.12.262 02deec3a0ad83d13d032b1812421b23d7a961eea"
  "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0 e9e56f219ee65d302a96d598470365733b824018"
  "org.apache.iceberg:iceberg-aws-bundle:1.10.0 568a0630442613a4d211b72668cc48713b7d335e"
)

die() {
  echo "fetch_jars.sh: $*" >&2
  exit 1
}

CHECK_ONLY=0
case "${1:-}" in
  "") ;;
  --check) CHECK_ONLY=1 ;;
  -h | --help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument '$1' (use --check or --help)" ;;
esac

sha1_of() {
  if command -v sha1sum >/dev/null 2>&1; then
    sha1sum "$1" | cut -d' ' -f1
  else
    shasum -a 1 "$1" | cut -d' ' -f1
  fi
}

# 0 if $1 exists, is non-empty and its sha1 is $2.
verified() {
  [[ -s "$1" ]] && [[ "$(sha1_of "$1")" == "$2" ]]
}

mkdir -p "$CACHE" || die "cannot create the cache directory $CACHE"
CACHE="$(cd "$CACHE" && pwd)"
TMP=""
cleanup() { if [[ -n "$TMP" ]]; then rm -rf "$TMP"; fi; }
trap cleanup EXIT

missing=0
for entry in "${ARTIFACTS[@]}"; do
  coords="${entry% *}"
  sha1="${entry##* }"
  IFS=: read -r _group artifact version <<<"$coords"
  jar="$artifact-$version.jar"
  dest="$CACHE/$jar"

  if verified "$dest" "$sha1"; then
    echo "ok       $jar (sha1 $sha1)" >&2
    continue
  fi
  if [[ $CHECK_ONLY == 1 ]]; then
    if [[ -e "$dest" ]]; then
      echo "CORRUPT  $jar (sha1 $(sha1_of "$dest"), expected $sha1)" >&2
    else
      echo "MISSING  $jar" >&2
    fi
    missing=1
    continue
  fi

  command -v "$MVN" >/dev/null 2>&1 ||
    die "Maven ('$MVN') is not on PATH; install it (e.g. apt-get install maven) or set MVN"
  if [[ -e "$dest" ]]; then
    echo "refetch  $jar (sha1 $(sha1_of "$dest") does not match $sha1)" >&2
    rm -f "$dest"
  else
    echo "fetch    $coords" >&2
  fi

  # Copy into a private temporary directory first, so an interrupted or failed run never leaves a
  # partial jar under the final name.
  TMP="$(mktemp -d "$CACHE/.fetch.XXXXXX")"
  log="$TMP/mvn.log"
  status=0
  "$MVN" -B -q --strict-checksums -Dstyle.color=never \
    "$DEPENDENCY_PLUGIN:copy" \
    -Dartifact="$coords:jar" \
    -Dtransitive=false \
    -Dmdep.overWriteReleases=true \
    -DoutputDirectory="$TMP/out" >"$log" 2>&1 || status=$?
  if [[ $status != 0 ]]; then
    echo "fetch_jars.sh: Maven failed (exit $status) to fetch $coords from Maven Central." >&2
    echo "fetch_jars.sh: last lines of Maven's output:" >&2
    tail -n 25 "$log" | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/  | /' >&2
    die "could not fetch $coords (is Maven Central reachable? see above)"
  fi
  [[ -s "$TMP/out/$jar" ]] || die "Maven reported success but $TMP/out/$jar is missing or empty"
  got="$(sha1_of "$TMP/out/$jar")"
  [[ "$got" == "$sha1" ]] || die "$jar: sha1 $got does not match the pinned $sha1; not installed"
  mv -f "$TMP/out/$jar" "$dest"
  rm -rf "$TMP"
  TMP=""
  echo "ok       $jar (sha1 $sha1)" >&2
done

if [[ $missing == 1 ]]; then
  die "jars missing or corrupt in $CACHE; run tools/fetch_jars.sh to fetch them"
fi
echo "$CACHE"
