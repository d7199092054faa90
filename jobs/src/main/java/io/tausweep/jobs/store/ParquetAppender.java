package io.tausweep.jobs.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Appends rows to a Hive-partitioned Parquet table from the driver, with parquet-hadoop's writer
 * and no Spark job: one file per partition, through Hadoop's {@code FileSystem}. On HDFS and local
 * disks a file is written under a hidden name and renamed into place; on object stores it is
 * written once under its final name and the upload is aborted if anything fails, so readers see a
 * file whole or not at all. The files are what Spark's own writer makes of the same rows (partition
 * columns in the directory names, the rest in the file, snappy pages, Spark's schema in the footer)
 * and read back through {@code spark.read().schema(...)} unchanged ({@code ParquetAppenderTest}).
 *
 * <p>Why not {@code Dataset.write()}: a sweep commits a batch as three small appends, and each
 * would be a Spark job whose planning and task run on the driver and on the slots the cells train
 * on, about 1 s of CPU per append. Here an append is a few milliseconds.
 *
 * <p>A file's name carries the batch it belongs to ({@code part-BATCH-UUID.c000.snappy.parquet}),
 * so that the store can tell a committed batch's files from those of a batch cut short ({@link
 * #batchOf}). Columns may be strings, ints, longs, doubles, timestamps (written as {@code
 * TIMESTAMP(MICROS)}) and arrays of doubles; partition values must be plain path names (sweep names
 * and method ids are).
 */
final class ParquetAppender {
  /** The footer key under which Spark keeps a file's Spark schema. */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  private static final java.util.regex.Pattern BATCH_NAME =
      java.util.regex.Pattern.compile(
          "part-([a-z][0-9a-f]{16})-[0-9a-f-]{36}\\.c000\\.snappy\\.parquet");

  private ParquetAppender() {}

  /** The batch id in a data file's name, or null for a name this appender did not write. */
  static String batchOf(String fileName) {
    java.util.regex.Matcher m = BATCH_NAME.matcher(fileName);
    return m.matches() ? m.group(1) : null;
  }

  /**
   * Writes {@code rows} (in {@code schema}'s column order) under {@code tableDir}, one new file per
   * distinct value of the partition columns, named for {@code batch}, and returns the files
   * written.
   *
   * @throws UncheckedIOException when a file cannot be written; the files this call already wrote
   *     are deleted (best effort), so that a failed append leaves no rows behind
   */
  static List<Path> append(
      FileSystem fs,
      Path tableDir,
      String batch,
      boolean objectStore,
      StructType schema,
      List<String> partitions,
      List<Row> rows) {
    int[] partIdx = partitions.stream().mapToInt(schema::fieldIndex).toArray();
    List<Integer> dataIdx = new ArrayList<>();
    for (int i = 0; i < schema.fields().length; i++) {
      if (!partitions.contains(schema.fields()[i].name())) {
        dataIdx.add(i);
      }
    }
    Map<String, List<Row>> byDir = new LinkedHashMap<>();
    for (Row row : rows) {
      StringBuilder dir = new StringBuilder();
      for (int p : partIdx) {
        Object v = row.get(p);
        if (v == null) {
          throw new IllegalArgumentException(
              "Partition column " + schema.fields()[p].name() + " is null");
        }
        dir.append(dir.length() == 0 ? "" : "/")
            .append(schema.fields()[p].name())
            .append('=')
            .append(partitionValue(v.toString()));
      }
      byDir.computeIfAbsent(dir.toString(), d -> new ArrayList<>()).add(row);
    }
    StructType fileSchema =
        new StructType(dataIdx.stream().map(i -> schema.fields()[i]).toArray(StructField[]::new));
    MessageType message = messageType(fileSchema);
    Map<String, String> footer = new HashMap<>();
    footer.put(SPARK_SCHEMA_KEY, fileSchema.json());
    int[] columns = dataIdx.stream().mapToInt(Integer::intValue).toArray();
    List<Path> written = new ArrayList<>();
    try {
      for (Map.Entry<String, List<Row>> e : byDir.entrySet()) {
        Path dir = e.getKey().isEmpty() ? tableDir : new Path(tableDir, e.getKey());
        Path target =
            new Path(dir, "part-" + batch + "-" + UUID.randomUUID() + ".c000.snappy.parquet");
        writeFile(fs, target, objectStore, message, footer, fileSchema, columns, e.getValue());
        written.add(target);
      }
    } catch (RuntimeException e) {
      deleteAll(fs, written, e);
      throw e;
    }
    return written;
  }

  /** Deletes files written before a failure; what cannot be deleted is recorded on the failure. */
  static void deleteAll(FileSystem fs, List<Path> files, Throwable failure) {
    for (Path p : files) {
      Fs.deleteQuietly(fs, p, failure);
    }
  }

  private static void writeFile(
      FileSystem fs,
      Path target,
      boolean objectStore,
      MessageType message,
      Map<String, String> footer,
      StructType fileSchema,
      int[] columns,
      List<Row> rows) {
    Path file = objectStore ? target : Fs.hidden(target);
    FsOutputFile output = new FsOutputFile(fs, file);
    try {
      ParquetWriter<Row> writer = new Builder(output, message, footer, fileSchema, columns).build();
      for (Row row : rows) {
        writer.write(row);
      }
      // Closing writes the footer: only a file whose rows were all written gets one.
      writer.close();
      if (!objectStore && !fs.rename(file, target)) {
        throw new IOException("Cannot rename " + file + " to " + target);
      }
    } catch (IOException | RuntimeException | FSError e) {
      if (output.stream != null) {
        Fs.abort(output.stream, e);
      }
      Fs.deleteQuietly(fs, file, e);
      if (e instanceof RuntimeException re && !(e instanceof UncheckedIOException)) {
        throw re;
      }
      IOException io = e instanceof IOException x ? x : new IOException(Fs.reason(e), e);
      throw new UncheckedIOException("Cannot write " + target + ": " + Fs.reason(io), io);
    }
  }

  /**
   * Parquet's output over a Hadoop stream that the appender keeps, so that a failed write can be
   * aborted.
   */
  private static final class FsOutputFile implements OutputFile {
    private final FileSystem fs;
    private final Path path;
    FSDataOutputStream stream;

    FsOutputFile(FileSystem fs, Path path) {
      this.fs = fs;
      this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return open(false);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return open(true);
    }

    private PositionOutputStream open(boolean overwrite) throws IOException {
      stream = Fs.create(fs, path, overwrite);
      FSDataOutputStream s = stream;
      return new DelegatingPositionOutputStream(s) {
        @Override
        public long getPos() throws IOException {
          return s.getPos();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return path.toString();
    }
  }

  /**
   * The Parquet schema Spark writes for these columns (nullable columns optional, arrays as 3-level
   * lists).
   */
  static MessageType messageType(StructType schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (StructField f : schema.fields()) {
      b.addField(parquetType(f.name(), f.dataType(), f.nullable()));
    }
    return b.named("spark_schema");
  }

  private static Type parquetType(String name, DataType type, boolean nullable) {
    Type.Repetition rep = nullable ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    if (type instanceof ArrayType a) {
      return Types.buildGroup(rep)
          .as(LogicalTypeAnnotation.listType())
          .addField(
              Types.repeatedGroup()
                  .addField(parquetType("element", a.elementType(), a.containsNull()))
                  .named("list"))
          .named(name);
    }
    if (type.equals(DataTypes.StringType)) {
      return Types.primitive(PrimitiveTypeName.BINARY, rep)
          .as(LogicalTypeAnnotation.stringType())
          .named(name);
    }
    if (type.equals(DataTypes.LongType)) {
      return Types.primitive(PrimitiveTypeName.INT64, rep).named(name);
    }
    if (type.equals(DataTypes.IntegerType)) {
      return Types.primitive(PrimitiveTypeName.INT32, rep).named(name);
    }
    if (type.equals(DataTypes.DoubleType)) {
      return Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Types.primitive(PrimitiveTypeName.INT64, rep)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
          .named(name);
    }
    throw new IllegalArgumentException(
        "Column " + name + ": type " + type.simpleString() + " is not supported here");
  }

  private static String partitionValue(String v) {
    if (v.isEmpty() || v.startsWith(".") || v.startsWith("_") || !v.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("Partition value '" + v + "' is not a plain path name");
    }
    return v;
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final RowWriteSupport support;

    Builder(
        OutputFile file,
        MessageType message,
        Map<String, String> footer,
        StructType schema,
        int[] columns) {
      super(file);
      this.support = new RowWriteSupport(message, footer, schema, columns);
      withCompressionCodec(CompressionCodecName.SNAPPY);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return support;
    }
  }

  /** Hands a {@link Row}'s data columns to Parquet's record consumer. */
  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final MessageType message;
    private final Map<String, String> footer;
    private final StructType schema;
    private final int[] columns;
    private RecordConsumer out;

    RowWriteSupport(
        MessageType message, Map<String, String> footer, StructType schema, int[] columns) {
      this.message = message;
      this.footer = footer;
      this.schema = schema;
      this.columns = columns;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(message, footer);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Row row) {
      out.startMessage();
      for (int i = 0; i < columns.length; i++) {
        StructField f = schema.fields()[i];
        if (row.isNullAt(columns[i])) {
          if (!f.nullable()) {
            throw new IllegalArgumentException("Column " + f.name() + " is null but not nullable");
          }
          continue;
        }
        out.startField(f.name(), i);
        writeValue(f.name(), f.dataType(), row, columns[i]);
        out.endField(f.name(), i);
      }
      out.endMessage();
    }

    private void writeValue(String name, DataType type, Row row, int col) {
      if (type instanceof ArrayType a) {
        List<Object> values = row.getList(col);
        out.startGroup();
        if (!values.isEmpty()) {
          out.startField("list", 0);
          for (Object v : values) {
            out.startGroup();
            if (v != null) {
              out.startField("element", 0);
              writeScalar(name, a.elementType(), v);
              out.endField("element", 0);
            } else if (!a.containsNull()) {
              throw new IllegalArgumentException("Column " + name + " holds a null element");
            }
            out.endGroup();
          }
          out.endField("list", 0);
        }
        out.endGroup();
      } else {
        writeScalar(name, type, row.get(col));
      }
    }

    private void writeScalar(String name, DataType type, Object v) {
      if (type.equals(DataTypes.StringType)) {
        out.addBinary(Binary.fromString((String) v));
      } else if (type.equals(DataTypes.LongType)) {
        out.addLong(((Number) v).longValue());
      } else if (type.equals(DataTypes.IntegerType)) {
        out.addInteger(((Number) v).intValue());
      } else if (type.equals(DataTypes.DoubleType)) {
        out.addDouble(((Number) v).doubleValue());
      } else if (type.equals(DataTypes.TimestampType)) {
        Instant t = v instanceof Timestamp ts ? ts.toInstant() : (Instant) v;
        out.addLong(
            Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
      } else {
        throw new IllegalArgumentException(
            "Column " + name + ": type " + type.simpleString() + " is not supported");
      }
    }
  }
}
