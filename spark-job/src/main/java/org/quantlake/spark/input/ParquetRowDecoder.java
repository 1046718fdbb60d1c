package org.quantlake.spark.input;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.spark.sql.Row;
import org.quantlake.spark.config.ParquetSpec;

/**
 * Rows of a Parquet (or any DataFrame) input: the tensor from an {@code array<float|double>} column or a binary
 * column of {@link ParquetSpec.DType} values. Column positions are resolved once, on the driver, by
 * {@link InputReader}.
 *
 * @param tensor     position of the tensor column
 * @param id         position of the id column, or -1
 * @param label      position of the label column, or -1
 * @param partitions positions of the partition columns
 * @param source     position of the source-file column, or -1
 * @param sampleSize values per row the model takes
 */
record ParquetRowDecoder(int tensor, ParquetSpec spec, int id, int label, int[] partitions, int source, int sampleSize)
        implements RowDecoder {

    @Override
    public long keyHash(Row row, RowSampler sampler) {
        if (id >= 0 && !row.isNullAt(id)) return sampler.hash(String.valueOf(row.get(id)));
        if (row.isNullAt(tensor)) return sampler.hash(new byte[0]);
        if (spec.encoding() == ParquetSpec.Encoding.BINARY) return sampler.hash((byte[]) row.get(tensor));
        // The tensor is its own key. A row that will be rejected still gets a key (its values as read).
        return sampler.hash(floats(row.getList(tensor)));
    }

    @Override
    public Decoded decode(Row row) {
        if (row.isNullAt(tensor)) return Decoded.reject(Rejection.Reason.MISSING_TENSOR, "the tensor column is null");
        if (spec.encoding() == ParquetSpec.Encoding.ARRAY) {
            List<?> values = row.getList(tensor);
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null) {
                    return Decoded.reject(Rejection.Reason.NON_FINITE, "element " + i + " of the tensor is null");
                }
            }
            return Decoded.checked(floats(values), sampleSize);
        }
        byte[] bytes = (byte[]) row.get(tensor);
        int width = spec.dtype().bytes();
        if (bytes.length != sampleSize * width) {
            return Decoded.reject(Rejection.Reason.WRONG_SIZE, "tensor has " + bytes.length + " bytes; the model input takes "
                    + sampleSize + " " + spec.dtype().name().toLowerCase(java.util.Locale.ROOT) + " values ("
                    + (long) sampleSize * width + " bytes)");
        }
        return Decoded.checked(decodeBinary(bytes, spec), sampleSize);
    }

    /** Binary tensor bytes as floats. */
    static float[] decodeBinary(byte[] bytes, ParquetSpec spec) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(spec.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] t = new float[bytes.length / spec.dtype().bytes()];
        switch (spec.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().get(t);
            case FLOAT64 -> {
                for (int i = 0; i < t.length; i++) t[i] = (float) b.getDouble(i * 8);
            }
            case UINT8 -> {
                for (int i = 0; i < t.length; i++) t[i] = bytes[i] & 0xFF;
            }
        }
        return t;
    }

    /** An array column's values as floats (doubles are rounded to float; nulls become NaN, caught by validation). */
    static float[] floats(List<?> values) {
        float[] t = new float[values.size()];
        for (int i = 0; i < t.length; i++) {
            Object v = values.get(i);
            t[i] = v == null ? Float.NaN : ((Number) v).floatValue();
        }
        return t;
    }

    @Override
    public Object id(Row row) {
        return id < 0 ? null : row.get(id);
    }

    @Override
    public Long label(Row row) {
        return label < 0 || row.isNullAt(label) ? null : ((Number) row.get(label)).longValue();
    }

    @Override
    public Object[] partitionValues(Row row) {
        Object[] v = new Object[partitions.length];
        for (int i = 0; i < v.length; i++) v[i] = row.get(partitions[i]);
        return v;
    }

    @Override
    public String source(Row row) {
        return source < 0 ? null : row.getString(source);
    }
}
