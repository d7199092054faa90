package io.tausweep.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds used so far by this JVM's threads, grouped by what they do, read from Linux's {@code
 * /proc/self/task/<tid>/stat} (utime + stime) and {@code comm} (the thread's name, 15 characters).
 * It sees the threads the JVM does not list to Java code (JIT compilers, GC workers), which is the
 * point: in a sweep on {@code local[2]} they compete with the two cell tasks for the two cores. Two
 * snapshots give the CPU a phase used; threads that ended in between are missed (the task, JIT and
 * GC threads of a sweep live as long as the JVM).
 */
final class ThreadCpu {
  /**
   * Linux's USER_HZ: the unit of utime and stime (100 on every mainstream kernel configuration).
   */
  private static final double TICKS_PER_SECOND = 100.0;

  static final String[] GROUPS = {"cell_tasks", "jit", "gc", "driver_main", "other"};

  private ThreadCpu() {}

  /** CPU seconds per group, or an empty map where /proc is not there (not Linux). */
  static Map<String, Double> snapshot() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return cpu;
    }
    for (String g : GROUPS) {
      cpu.put(g, 0.0);
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path t : dir) {
        try {
          String name = Files.readString(t.resolve("comm")).strip();
          String stat = Files.readString(t.resolve("stat"));
          // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
          cpu.merge(group(name), seconds, Double::sum);
        } catch (IOException | RuntimeException ended) {
          // The thread ended between the listing and the read: its time is lost either way.
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return cpu;
  }

  /** {@code after - before} per group. */
  static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> d = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : after.entrySet()) {
      d.put(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0));
    }
    return d;
  }

  static String group(String comm) {
    if (comm.startsWith("Executor task")) {
      return "cell_tasks";
    }
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
      return "jit";
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
      return "gc";
    }
    if (comm.equals("main") || comm.equals("java")) {
      return "driver_main";
    }
    return "other";
  }
}
