#!/usr/bin/env bash
# Builds jvm/ (piimask-spark, the shaded jar for --extra-jars / spark.jars) if its sources changed
# since the cached jar was built, and prints the jar's path on stdout (everything else goes to
# stderr), so a Makefile can say:   PIIMASK_JAR := $(shell jvm/build.sh)
#
#   PIIMASK_JAR_CACHE    where jars are kept (default ~/.cache/piimask/jars); outside the work tree
#   PIIMASK_MVN_OFFLINE  auto (default: try `mvn -o`, then online), 1 (offline only), 0 (online only)
#   PIIMASK_SKIP_TESTS=1 skip the JUnit tests (the jar's self-check still runs)
#   MVN                  the Maven command (default mvn); ~/.m2 is the dependency cache
#
# The jar is reproducible (project.build.outputTimestamp): the same sources give the same bytes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${PIIMASK_JAR_CACHE:-$HOME/.cache/piimask/jars}
mvn=${MVN:-mvn}
mkdir -p "$cache"

# The project's own <version> (the first one after its artifactId).
version=$(awk '/<artifactId>piimask-spark<\/artifactId>/ {f=1} f && /<version>/ {
  gsub(/.*<version>|<\/version>.*/, ""); print; exit }' "$here/pom.xml")
[ -n "$version" ] || { echo "build.sh: no version in $here/pom.xml" >&2; exit 1; }
jar="$cache/piimask-spark-$version.jar"
stamp="$jar.src-sha256"

# Everything the jar is built from: pom.xml, src/ and the free-text lexicon it embeds (paths and
# contents, in a fixed order).
src_hash() {
  (cd "$here" && find pom.xml src ../piimask/treatments/freetext/lexicon -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

up_to_date() {
  [ -f "$jar" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$1" ]
}

hash=$(src_hash)
if up_to_date "$hash"; then
  echo "$jar"
  exit 0
fi

# One build at a time per cache (a second caller waits, then finds the jar up to date).
exec 9>"$cache/.build.lock"
if command -v flock >/dev/null; then flock 9; fi
if up_to_date "$hash"; then
  echo "$jar"
  exit 0
fi

work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
args=(-B -q -Dstyle.color=never -f "$here/pom.xml" "-Dpiimask.build.dir=$work/target" package)
[ "${PIIMASK_SKIP_TESTS:-0}" = 1 ] && args+=(-DskipTests)

echo "build.sh: building piimask-spark $version (sources changed or no cached jar)" >&2
case "${PIIMASK_MVN_OFFLINE:-auto}" in
  1) "$mvn" -o "${args[@]}" >&2 ;;
  0) "$mvn" "${args[@]}" >&2 ;;
  *) # offline first: no network when ~/.m2 already holds everything
    if ! "$mvn" -o "${args[@]}" >"$work/offline.log" 2>&1; then
      if grep -q "offline mode\|has not been downloaded\|Cannot access .* in offline" "$work/offline.log"; then
        echo "build.sh: ~/.m2 lacks some artifacts; building online" >&2
        "$mvn" "${args[@]}" >&2
      else
        cat "$work/offline.log" >&2
        exit 1
      fi
    fi ;;
esac

built="$work/target/piimask-spark-$version.jar"
[ -f "$built" ] || { echo "build.sh: Maven produced no $built" >&2; exit 1; }
# The shaded jar on its own (no Spark): RFC 4231 vectors, relocated libphonenumber metadata.
java -cp "$built" io.piimask.spark.SelfCheck >&2

# Sources edited during the build? Then the stamp would lie: record what was built only if unchanged.
if [ "$(src_hash)" != "$hash" ]; then
  echo "build.sh: sources changed during the build; run it again" >&2
  exit 1
fi
cp "$built" "$jar.tmp.$$" && mv -f "$jar.tmp.$$" "$jar"
echo "$hash" > "$stamp.tmp.$$" && mv -f "$stamp.tmp.$$" "$stamp"
echo "$jar"
