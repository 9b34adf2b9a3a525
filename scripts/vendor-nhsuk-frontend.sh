#!/usr/bin/env bash
# Refreshes the compiled NHS.UK frontend shipped in the package. Run by whoever upgrades it;
# the version must pair with nhsuk-frontend-jinja (see its README's compatibility table).
set -euo pipefail
version="${1:?usage: scripts/vendor-nhsuk-frontend.sh VERSION}"
dest="$(dirname "$0")/../src/staffsafe/core/static/nhsuk"
work="$(mktemp -d)"
(cd "$work" && npm pack "nhsuk-frontend@${version}" >/dev/null 2>&1 && tar xzf "nhsuk-frontend-${version}.tgz")
dist="$work/package/dist/nhsuk"
rm -rf "$dest" && mkdir -p "$dest"
cp -r "$dist/assets" "$dest/assets"
cp "$dist/nhsuk-frontend.min.js" "$dest/nhsuk-frontend.min.js"
# The stylesheet refers to /assets/... and to a font on an external host. Point the images at the
# shipped copies and drop the remote font so pages fall back to Arial and load nothing remote.
python3 - "$dist/nhsuk-frontend.min.css" "$dest/nhsuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = css.replace("url(/assets/", "url(assets/")
css = re.sub(r"@font-face\{[^}]*https://[^}]*\}", "", css)
css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
sed -i 's|//# sourceMappingURL=.*$||' "$dest/nhsuk-frontend.min.js"
echo "$version" > "$dest/VERSION"
rm -rf "$work"
