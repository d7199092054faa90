# Shared by the bin/ scripts: paths, JVM flags and the build-if-missing step. Source it, don't run it.
TAUSWEEP_HOME="${TAUSWEEP_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export TAUSWEEP_HOME
JOB_JAR="$TAUSWEEP_HOME/jobs/target/tausweep-jobs.jar"
SPARK_JARS="$TAUSWEEP_HOME/jobs/target/spark/jars"
HADOOP_JARS="$TAUSWEEP_HOME/jobs/target/hadoop/jars"

# Everything binds to loopback on these machines; one ND4J/OpenMP thread per Spark task.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_SCALA_VERSION=2.13
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# OpenBLAS picks its kernels for the CPU it runs on (the root pom pins 0.3.31, which knows current Xeons; DL4J
# M2.1's own 0.3.19 fell back to SSE3 kernels on them). An OPENBLAS_CORETYPE in the environment is left as it is.

# The JVM flags Spark needs on Java 17, from conf/java17-opens (the one list, which the root pom's tests read too):
# one a line, '#' starting a comment.
SPARK_JAVA17_OPENS=()
while IFS= read -r line || [[ -n "$line" ]]; do
  read -ra words <<<"${line%%#*}"
  SPARK_JAVA17_OPENS+=(${words[@]+"${words[@]}"})
done <"$TAUSWEEP_HOME/conf/java17-opens"
unset line words

# The log file of bin/sweep and the bench (conf/log4j2.xml appends to it): everything the console shows, and the
# stack trace of an internal error, which the console gives one line to. TAUSWEEP_LOG names another file.
TAUSWEEP_LOG="${TAUSWEEP_LOG:-$TAUSWEEP_HOME/logs/tausweep.log}"

TAUSWEEP_JAVA_OPTS=(
  "${SPARK_JAVA17_OPENS[@]}"
  "-Xmx${TAUSWEEP_DRIVER_MEMORY:-4g}"
  "-Dorg.bytedeco.javacpp.cachedir=${TAUSWEEP_JAVACPP_CACHE:-$HOME/.cache/tausweep/javacpp}"
  "-Dlog4j2.configurationFile=$TAUSWEEP_HOME/conf/log4j2.xml"
  "-Dtausweep.log.file=$TAUSWEEP_LOG"
)

# The JIT settings of a sweep's JVM (`sweep run`, the bench's sweeps): C2 leaves Spark's and the driver's
# framework code to C1 and spends its time on the training code (see conf/jit-directives.json).
# TAUSWEEP_JIT_DIRECTIVES names another directives file; set it empty to run without one. HotSpot announces
# the file on stdout ("1 compiler directives added"); -DisplayVMOutput keeps that line (and other output of
# the VM's tty, such as -XX:+PrintCompilation's) off the console. VM warnings and errors still print.
TAUSWEEP_RUN_JAVA_OPTS=()
TAUSWEEP_JIT_DIRECTIVES="${TAUSWEEP_JIT_DIRECTIVES-$TAUSWEEP_HOME/conf/jit-directives.json}"
if [[ -n "$TAUSWEEP_JIT_DIRECTIVES" ]]; then
  if [[ ! -f "$TAUSWEEP_JIT_DIRECTIVES" ]]; then
    echo "error: TAUSWEEP_JIT_DIRECTIVES=$TAUSWEEP_JIT_DIRECTIVES is not a file (unset it to use" \
      "conf/jit-directives.json, or set it empty to run without directives)" >&2
    exit 2
  fi
  TAUSWEEP_RUN_JAVA_OPTS=(-XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput
    "-XX:CompilerDirectivesFile=$TAUSWEEP_JIT_DIRECTIVES")
fi

die() { echo "error: $*" >&2; exit 2; }

# Builds the job jar and Spark's jars when missing or older than any source, pom or resource.
tausweep_build_if_needed() {
  command -v java >/dev/null || die "java not found on PATH (install a Java 17 JDK, e.g. apt-get install openjdk-17-jdk)"
  if [[ -f "$JOB_JAR" && -d "$SPARK_JARS" && -d "$HADOOP_JARS" ]] && [[ -z "$(find "$TAUSWEEP_HOME"/pom.xml \
      "$TAUSWEEP_HOME"/{model,analysis,jobs}/pom.xml "$TAUSWEEP_HOME"/{model,analysis,jobs}/src/main \
      -newer "$JOB_JAR" -type f 2>/dev/null | head -1)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found on PATH (install Maven 3.8+, e.g. apt-get install maven)"
  echo "tausweep: building the job jar (first run downloads dependencies; a few minutes)..." >&2
  (cd "$TAUSWEEP_HOME" && mvn -q -B -DskipTests -pl jobs -am package) >&2 \
    || die "build failed (see the Maven output above)"
}
