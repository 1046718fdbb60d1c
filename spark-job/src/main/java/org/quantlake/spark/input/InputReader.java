package org.quantlake.spark.input;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.quantlake.core.image.PreprocessSpec;
import org.quantlake.core.tensor.Shapes;
import org.quantlake.spark.config.ConfigException;
import org.quantlake.spark.config.ImageSpec;
import org.quantlake.spark.config.InputSpec;
import org.quantlake.spark.config.ParquetSpec;
import org.quantlake.spark.io.HadoopFiles;
import org.quantlake.spark.model.ModelShape;

/**
 * Opens the input a job reads and checks it against the options and the model before any work starts: every named
 * column must exist with a usable type, declared shapes must be what the model takes. Problems are
 * {@link SchemaException}s naming the column and the option; nothing is computed until they are all fine.
 */
public final class InputReader {
    /** The source-file column added to Parquet rows (Spark's file metadata), for the rejects output. */
    static final String SOURCE = "_quantlake_source";

    private static final Set<DataType> INTEGRAL = Set.of(DataTypes.ByteType, DataTypes.ShortType,
            DataTypes.IntegerType, DataTypes.LongType);

    /**
     * Columns the outputs add: pass-through columns (id, label, partitions) must not take these names, or an output
     * would have two columns of one name.
     */
    static final Set<String> RESERVED = Set.of("top_k_classes", "top_k_scores", "top_k_names", "fp32_top1", "int8_top1",
            "metric", "value", "model", "stage", "reason", "detail", "row_id", "source_file");

    private InputReader() {
    }

    private static void checkReserved(StructField id, String label, List<StructField> partitions) {
        List<String> names = new ArrayList<>();
        if (id != null) names.add(id.name());
        if (label != null) names.add(label);
        partitions.forEach(p -> names.add(p.name()));
        for (String n : names) {
            if (RESERVED.contains(n)) {
                throw new SchemaException("input column '" + n + "' has the name of a column the outputs add; rename it"
                        + " (reserved: " + new java.util.TreeSet<>(RESERVED) + ")");
            }
        }
        if (label != null && id != null && label.equals(id.name())) {
            throw new SchemaException("input column '" + label + "' is both the id and the label");
        }
        for (StructField p : partitions) {
            if (p.name().equals(label) || (id != null && p.name().equals(id.name()))) {
                throw new SchemaException("input column '" + p.name() + "' is a partition column and the "
                        + (p.name().equals(label) ? "label" : "id"));
            }
        }
    }

    /** Reads and validates the input described by {@code spec} for a model of shape {@code model}. */
    public static InputData open(SparkSession spark, InputSpec spec, ModelShape model) {
        if (spec.path() == null) throw new ConfigException("input.path must be set");
        return spec.format() == InputSpec.Format.PARQUET ? parquet(spark, spec, model) : images(spark, spec, model);
    }

    private static InputData parquet(SparkSession spark, InputSpec spec, ModelShape model) {
        ParquetSpec p = spec.parquet();
        Dataset<Row> all;
        try {
            DataFrameReader reader = spark.read();
            if (spec.basePath() != null) reader = reader.option("basePath", spec.basePath());
            all = reader.parquet(spec.path());
        } catch (Exception e) {  // AnalysisException is checked in Java's eyes, though Scala throws it undeclared
            throw new SchemaException("cannot read Parquet input " + spec.path() + " (input.path): " + firstLine(e));
        }
        StructType schema = all.schema();
        all = filtered(all, spec);

        StructField tensor = require(schema, p.tensorColumn(), "input.parquet.tensor-column", spec.path());
        if (p.encoding() == ParquetSpec.Encoding.ARRAY) {
            if (!(tensor.dataType() instanceof ArrayType a)
                    || !(a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType))) {
                throw new SchemaException("input column '" + tensor.name() + "' (input.parquet.tensor-column) has type "
                        + tensor.dataType().simpleString() + "; input.parquet.encoding = array needs array<float> or"
                        + " array<double>" + (tensor.dataType().equals(DataTypes.BinaryType)
                        ? " (for raw bytes set input.parquet.encoding = binary)" : ""));
            }
        } else if (!tensor.dataType().equals(DataTypes.BinaryType)) {
            throw new SchemaException("input column '" + tensor.name() + "' (input.parquet.tensor-column) has type "
                    + tensor.dataType().simpleString() + "; input.parquet.encoding = binary needs binary");
        }
        checkDeclaredShape(p, model);

        List<Column> keep = new ArrayList<>();
        List<String> names = new ArrayList<>();
        keep.add(col(tensor.name()));
        names.add(tensor.name());
        StructField id = optional(schema, spec.idColumn(), "input.id-column", spec.path(), InputReader::idType,
                "string or an integer type");
        StructField label = optional(schema, spec.labelColumn(), "input.label-column", spec.path(), INTEGRAL::contains,
                "an integer type (the class index)");
        List<StructField> partitions = partitionFields(schema, spec, spec.path());
        for (StructField f : fieldsOf(id, label, partitions)) {
            keep.add(col(f.name()));
            names.add(f.name());
        }
        keep.add(col("_metadata.file_path").as(SOURCE));
        names.add(SOURCE);
        Dataset<Row> frame = all.select(keep.toArray(new Column[0]));
        if (spec.partitions() > 0) frame = frame.repartition(spec.partitions());

        ParquetRowDecoder decoder = new ParquetRowDecoder(names.indexOf(tensor.name()), p,
                id == null ? -1 : names.indexOf(id.name()), label == null ? -1 : names.indexOf(label.name()),
                positions(names, partitions), names.indexOf(SOURCE), model.sampleSize());
        checkReserved(id, label == null ? null : label.name(), partitions);
        String description = "Parquet " + spec.path() + (spec.filter() == null ? "" : " where " + spec.filter());
        return new InputData(frame, decoder, id, label == null ? null : label.name(), partitions, description);
    }

    private static InputData images(SparkSession spark, InputSpec spec, ModelShape model) {
        ImageSpec im = spec.images();
        if (spec.labelColumn() != null) {
            throw new ConfigException("input.label-column does not apply to images: labels come from file names"
                    + " (input.images.label-pattern and input.images.class-index)");
        }
        if (spec.idColumn() != null && !spec.idColumn().equals("path")) {
            throw new ConfigException("input.id-column does not apply to images: the id is the file path (column 'path')");
        }
        checkImageShape(im, model);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Dataset<Row> listing;
        try {
            DataFrameReader reader = spark.read().format("binaryFile").option("pathGlobFilter", im.glob());
            if (spec.basePath() != null) reader = reader.option("basePath", spec.basePath());
            listing = reader.load(spec.path());
        } catch (Exception e) {
            throw new SchemaException("cannot list images under " + spec.path() + " (input.path): " + firstLine(e));
        }
        StructType schema = listing.schema();
        listing = filtered(listing, spec);
        List<StructField> partitions = partitionFields(schema, spec, spec.path() + " (partition folders such as name=value)");
        List<String> names = new ArrayList<>();
        List<Column> keep = new ArrayList<>();
        names.add("path");
        keep.add(col("path"));
        for (StructField f : partitions) {
            names.add(f.name());
            keep.add(col(f.name()));
        }
        // Only the listing is selected: binaryFile then reads no file contents; tasks read the files they sample.
        Dataset<Row> frame = listing.select(keep.toArray(new Column[0]));
        int n = spec.partitions();
        if (n == 0) {
            long files = frame.count();
            n = (int) Math.max(1, Math.min(100_000, (files + im.perPartition() - 1) / im.perPartition()));
        }
        frame = frame.repartition(n);

        Map<String, Integer> classIndex = new HashMap<>();
        if (im.labelPattern() != null) classIndex = classIndex(im.classIndex(), hadoop);
        String root = HadoopFiles.qualified(spec.path(), hadoop);
        String rootPrefix = root.endsWith("/") ? root : root + "/";
        StructField id = DataTypes.createStructField("path", DataTypes.StringType, false);
        checkReserved(id, im.labelPattern() == null ? null : "label", partitions);
        ImageRowDecoder decoder = new ImageRowDecoder(0, positions(names, partitions), im, rootPrefix, classIndex,
                hadoop, model.sampleSize());
        return new InputData(frame, decoder, id, im.labelPattern() == null ? null : "label", partitions,
                "images " + spec.path() + " (" + im.glob() + ")" + (spec.filter() == null ? "" : " where " + spec.filter()));
    }

    /** Line i names class i: its first whitespace-separated token maps to i. */
    static Map<String, Integer> classIndex(String file, Configuration hadoop) {
        try {
            Map<String, Integer> index = new HashMap<>();
            List<String> lines = HadoopFiles.lines(file, hadoop);
            for (int i = 0; i < lines.size(); i++) {
                String name = lines.get(i).strip().split("\\s+", 2)[0];
                if (!name.isEmpty()) index.putIfAbsent(name, i);
            }
            return index;
        } catch (IOException e) {
            throw new ConfigException("cannot read input.images.class-index " + file + ": " + e.getMessage(), e);
        }
    }

    private static Dataset<Row> filtered(Dataset<Row> frame, InputSpec spec) {
        if (spec.filter() == null) return frame;
        try {
            return frame.where(spec.filter());
        } catch (Exception e) {
            throw new SchemaException("input.filter \"" + spec.filter() + "\" does not apply to " + spec.path() + ": "
                    + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        String m = e instanceof AnalysisException a ? a.getSimpleMessage() : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static boolean idType(DataType t) {
        return t.equals(DataTypes.StringType) || INTEGRAL.contains(t);
    }

    private static boolean partitionType(DataType t) {
        return t.equals(DataTypes.StringType) || INTEGRAL.contains(t) || t.equals(DataTypes.BooleanType)
                || t.equals(DataTypes.DateType);
    }

    private static StructField require(StructType schema, String name, String option, String where) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) return f;
        }
        throw new SchemaException("input column '" + name + "' (" + option + ") does not exist in " + where
                + "; its columns are: " + describe(schema));
    }

    private static StructField optional(StructType schema, String name, String option, String where,
                                        java.util.function.Predicate<DataType> ok, String expected) {
        if (name == null) return null;
        StructField f = require(schema, name, option, where);
        if (!ok.test(f.dataType())) {
            throw new SchemaException("input column '" + name + "' (" + option + ") has type "
                    + f.dataType().simpleString() + "; expected " + expected);
        }
        return f;
    }

    private static List<StructField> partitionFields(StructType schema, InputSpec spec, String where) {
        List<StructField> out = new ArrayList<>();
        for (String name : spec.partitionColumns()) {
            out.add(optional(schema, name, "input.partition-columns", where, InputReader::partitionType,
                    "string, an integer type, boolean or date"));
        }
        return out;
    }

    private static List<StructField> fieldsOf(StructField id, StructField label, List<StructField> partitions) {
        List<StructField> out = new ArrayList<>();
        if (id != null) out.add(id);
        if (label != null) out.add(label);
        out.addAll(partitions);
        return out;
    }

    private static int[] positions(List<String> names, List<StructField> fields) {
        return fields.stream().mapToInt(f -> names.indexOf(f.name())).toArray();
    }

    private static String describe(StructType schema) {
        List<String> cols = new ArrayList<>();
        for (StructField f : schema.fields()) cols.add(f.name() + " (" + f.dataType().simpleString() + ")");
        return String.join(", ", cols);
    }

    /** A declared per-row shape must have as many values as the model's input. */
    private static void checkDeclaredShape(ParquetSpec p, ModelShape model) {
        if (p.shape().isEmpty()) return;
        int[] declared = p.shape().stream().mapToInt(Integer::intValue).toArray();
        if (Shapes.size(declared) != model.sampleSize()) {
            throw new SchemaException("input.parquet.shape " + Arrays.toString(declared) + " has "
                    + Shapes.size(declared) + " values per row; the model input " + model.describeInput() + " takes "
                    + model.sampleSize());
        }
    }

    /** With a crop, the preprocessed image's shape is known: it must be the model's input. */
    private static void checkImageShape(ImageSpec im, ModelShape model) {
        if (im.cropHeight() == 0) return;  // size depends on each image: checked per row
        int c = im.order() == PreprocessSpec.ChannelOrder.GRAY ? 1 : 3;
        int[] produced = im.layout() == PreprocessSpec.Layout.NCHW
                ? new int[] {c, im.cropHeight(), im.cropWidth()} : new int[] {im.cropHeight(), im.cropWidth(), c};
        if (!Arrays.equals(produced, model.sampleShape())) {
            throw new SchemaException("input.images.preprocess produces " + im.layout() + " tensors of shape "
                    + Arrays.toString(produced) + "; the model input " + model.describeInput() + " differs");
        }
    }
}
