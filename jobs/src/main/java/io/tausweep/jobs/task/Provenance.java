package io.tausweep.jobs.task;

import io.tausweep.model.BuildInfo;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where and how a task ran: host, ND4J thread count and the BLAS library with the kernels it chose
 * for the CPU, read inside the task on the executor. Together with the config hash and versions it
 * makes every result row traceable (bit-identical reruns need the same threads and kernels).
 */
public record Provenance(String host, int nd4jThreads, String blas) implements Serializable {

  /** Reads the values of the current JVM. */
  public static Provenance here() {
    return new Provenance(hostName(), Nd4j.getEnvironment().maxMasterThreads(), BuildInfo.blas());
  }

  /** tausweep's version and commit. */
  public static String codeVersion() {
    return BuildInfo.codeVersion();
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
