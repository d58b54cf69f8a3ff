# Sourced by scripts/setup.sh and tests/infra/*_up.sh.
# missing_debian_packages PACKAGE...: prints, one per line, those not installed.
missing_debian_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      echo "$package"
  done
}
