package io.tausweep.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The Hadoop settings executors get: spark.hadoop.* keys, carried through Java serialization. */
class SerializableConfTest {
  @Test
  void sparkHadoopSettingsBecomeHadoopSettingsAndSurviveSerialization() throws Exception {
    Configuration conf =
        SerializableConf.fromSpark(
            Map.of(
                "spark.hadoop.fs.s3a.endpoint",
                "http://127.0.0.1:9",
                "spark.hadoop.dfs.replication",
                "2",
                "spark.executor.memory",
                "1g"));
    assertThat(conf.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9");
    assertThat(conf.get("dfs.replication")).isEqualTo("2");
    assertThat(conf.get("spark.executor.memory")).isNull();

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new SerializableConf(conf));
    }
    SerializableConf back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (SerializableConf) in.readObject();
    }
    assertThat(back.get().get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9");
    assertThat(back.get().getInt("dfs.replication", 0)).isEqualTo(2);
  }
}
