package io.tausweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Facts about the machine and this JVM that every benchmark record carries: CPU model, cores, ND4J
 * threads, load average, and the peak resident memory of this process.
 */
final class Machine {
  private Machine() {}

  /** CPU model, cores, thread settings and the load average right now. */
  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu_model", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
    m.put("nd4j_master_threads", Nd4j.getEnvironment().maxMasterThreads());
    m.put("nd4j_blas_threads", Nd4j.getEnvironment().maxThreads());
    m.put("openblas_coretype", String.valueOf(System.getenv("OPENBLAS_CORETYPE")));
    m.put("load_avg_1min", loadAverage());
    m.put("java", System.getProperty("java.version"));
    return m;
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }

  /** The 1-minute load average, or -1 where /proc/loadavg is missing. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Peak resident set size of this JVM in MiB (VmHWM), or -1 where /proc is missing. */
  static double peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return -1;
  }
}
