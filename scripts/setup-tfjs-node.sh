#!/usr/bin/env bash
# Makes the `tensorflow` backend (@tensorflow/tfjs-node, a dev dependency of @cnn/backend installed
# with its download script off) usable for tests and benchmarks on machines that cannot download
# libtensorflow, by building its addon with the workplace tool ../shared/tools/build-tfjs-node-offline.sh.
# Without the tool or a TensorFlow wheel (the tool's exit 3), the tests that need `tensorflow` skip
# and say why; any other failure of the build is an error. Users with internet install tfjs-node
# the normal way instead.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend="$root/packages/backend"
tool="$root/../shared/tools/build-tfjs-node-offline.sh"
check='require("@tensorflow/tfjs-node"); const tf = require("@tensorflow/tfjs-core"); process.exit(tf.getBackend() === "tensorflow" ? 0 : 1)'

if (cd "$backend" && TF_CPP_MIN_LOG_LEVEL=3 node -e "$check" >/dev/null 2>&1); then
  echo "tfjs-node: already usable"
  exit 0
fi
if [[ ! -f $tool ]]; then
  echo "tfjs-node: not built ($tool not found); tests on the 'tensorflow' backend will be skipped"
  exit 0
fi
echo "tfjs-node: building its addon offline (about 1-2 minutes)..."
bash "$tool" "$backend"
code=$?
case $code in
  0) echo "tfjs-node: built" ;;
  3) echo "tfjs-node: no TensorFlow wheel obtainable here; tests on the 'tensorflow' backend will be skipped" ;;
  *) echo "tfjs-node: the offline build failed (exit $code); see the lines above" >&2; exit "$code" ;;
esac
exit 0
