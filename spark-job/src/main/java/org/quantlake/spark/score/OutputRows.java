package org.quantlake.spark.score;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.quantlake.spark.input.InputData;

/**
 * The columns of the predictions and flipped-rows outputs, and their values for one row. Every output starts with
 * the pass-through columns (id, data partitions, label: whichever the input has), so outputs join back to the input.
 *
 * <pre>
 * predictions: [id] [partitions...] [label] top_k_classes array&lt;int&gt;, top_k_scores array&lt;float&gt;,
 *              [top_k_names array&lt;string&gt;]   (names when scoring.class-names is set)
 * flipped:     [id] [partitions...] [label] fp32_top1 int, int8_top1 int
 * </pre>
 */
final class OutputRows implements Serializable {
    private final boolean hasId;
    private final int partitions;
    private final boolean hasLabel;
    private final String[] classNames;

    OutputRows(InputData input, String[] classNames) {
        this.hasId = input.id() != null;
        this.partitions = input.partitions().size();
        this.hasLabel = input.labelName() != null;
        this.classNames = classNames;
    }

    static StructType predictionSchema(InputData input, boolean names) {
        List<StructField> f = passThrough(input);
        f.add(DataTypes.createStructField("top_k_classes", DataTypes.createArrayType(DataTypes.IntegerType, false), false));
        f.add(DataTypes.createStructField("top_k_scores", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        if (names) f.add(DataTypes.createStructField("top_k_names", DataTypes.createArrayType(DataTypes.StringType, true), false));
        return DataTypes.createStructType(f);
    }

    static StructType flipSchema(InputData input) {
        List<StructField> f = passThrough(input);
        f.add(DataTypes.createStructField("fp32_top1", DataTypes.IntegerType, false));
        f.add(DataTypes.createStructField("int8_top1", DataTypes.IntegerType, false));
        return DataTypes.createStructType(f);
    }

    private static List<StructField> passThrough(InputData input) {
        List<StructField> f = new ArrayList<>();
        if (input.id() != null) f.add(DataTypes.createStructField(input.id().name(), input.id().dataType(), true));
        for (StructField p : input.partitions()) f.add(DataTypes.createStructField(p.name(), p.dataType(), true));
        if (input.labelName() != null) f.add(DataTypes.createStructField(input.labelName(), DataTypes.IntegerType, true));
        return f;
    }

    Object[] prediction(Object id, Object[] partitionValues, Long label, int[] classes, float[] scores) {
        Object[] v = new Object[width() + 2 + (classNames == null ? 0 : 1)];
        int i = fill(v, id, partitionValues, label);
        v[i++] = classes;
        v[i++] = scores;
        if (classNames != null) {
            String[] names = new String[classes.length];
            for (int k = 0; k < classes.length; k++) names[k] = classes[k] < classNames.length ? classNames[classes[k]] : null;
            v[i] = names;
        }
        return v;
    }

    Object[] flip(Object id, Object[] partitionValues, Long label, int fp32Top1, int int8Top1) {
        Object[] v = new Object[width() + 2];
        int i = fill(v, id, partitionValues, label);
        v[i++] = fp32Top1;
        v[i] = int8Top1;
        return v;
    }

    private int width() {
        return (hasId ? 1 : 0) + partitions + (hasLabel ? 1 : 0);
    }

    private int fill(Object[] v, Object id, Object[] partitionValues, Long label) {
        int i = 0;
        if (hasId) v[i++] = id;
        for (Object p : partitionValues) v[i++] = p;
        if (hasLabel) v[i++] = label == null ? null : Integer.valueOf(label.intValue());
        return i;
    }
}
