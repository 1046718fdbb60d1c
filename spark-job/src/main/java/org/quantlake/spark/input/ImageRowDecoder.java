package org.quantlake.spark.input;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SerializableWritable;
import org.apache.spark.sql.Row;
import org.quantlake.core.image.ImagePreprocessor;
import org.quantlake.spark.config.ImageSpec;

/**
 * Rows of an image listing (binaryFile's {@code path} plus partition columns): the task reads and decodes each file
 * itself, so unsampled images are never read and the listing (not the image bytes) is what Spark repartitions.
 *
 * <p>The row key for sampling is the path relative to the input root, so copying a dataset elsewhere keeps its
 * sample; paths outside the root (globs) use the whole path.
 */
final class ImageRowDecoder implements RowDecoder {
    private final int path;
    private final int[] partitions;
    private final ImageSpec spec;
    private final String rootPrefix;
    private final Map<String, Integer> classIndex;
    private final SerializableWritable<Configuration> hadoopConf;
    private final int sampleSize;
    private transient ImagePreprocessor preprocessor;
    private transient Pattern labelPattern;

    ImageRowDecoder(int path, int[] partitions, ImageSpec spec, String rootPrefix, Map<String, Integer> classIndex,
                    Configuration hadoopConf, int sampleSize) {
        this.path = path;
        this.partitions = partitions;
        this.spec = spec;
        this.rootPrefix = rootPrefix;
        this.classIndex = classIndex;
        this.hadoopConf = new SerializableWritable<>(hadoopConf);
        this.sampleSize = sampleSize;
    }

    @Override
    public long keyHash(Row row, RowSampler sampler) {
        return sampler.hash(relative(row.getString(path)));
    }

    String relative(String p) {
        return rootPrefix != null && p.startsWith(rootPrefix) ? p.substring(rootPrefix.length()) : p;
    }

    @Override
    public Decoded decode(Row row) {
        String p = row.getString(path);
        byte[] bytes;
        try {
            Path file = new Path(new URI(p));
            FileSystem fs = file.getFileSystem(hadoopConf.value());
            try (InputStream in = fs.open(file)) {
                bytes = in.readAllBytes();
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Decoded.reject(Rejection.Reason.UNDECODABLE_IMAGE, "cannot read the file: " + e);
        }
        if (preprocessor == null) preprocessor = new ImagePreprocessor(spec.preprocessSpec());
        float[] t;
        try {
            t = preprocessor.toTensor(bytes);
        } catch (IllegalArgumentException e) {
            return Decoded.reject(Rejection.Reason.UNDECODABLE_IMAGE, e.getMessage());
        } catch (RuntimeException e) {
            // ImageIO's decoders throw assorted unchecked exceptions on corrupt files.
            return Decoded.reject(Rejection.Reason.UNDECODABLE_IMAGE, "cannot decode the image: " + e);
        }
        return Decoded.checked(t, sampleSize);
    }

    @Override
    public Object id(Row row) {
        return row.getString(path);
    }

    @Override
    public Long label(Row row) {
        if (spec.labelPattern() == null) return null;
        if (labelPattern == null) labelPattern = Pattern.compile(spec.labelPattern());
        String name = fileName(row.getString(path));
        Matcher m = labelPattern.matcher(name);
        if (!m.find() || m.group(1) == null) return null;
        Integer index = classIndex.get(m.group(1));
        return index == null ? null : index.longValue();
    }

    /** The decoded last path segment (binaryFile paths are URIs: a space is %20). */
    static String fileName(String uri) {
        try {
            return new Path(new URI(uri)).getName();
        } catch (URISyntaxException e) {
            return uri.substring(uri.lastIndexOf('/') + 1);
        }
    }

    @Override
    public Object[] partitionValues(Row row) {
        Object[] v = new Object[partitions.length];
        for (int i = 0; i < v.length; i++) v[i] = row.get(partitions[i]);
        return v;
    }

    @Override
    public String source(Row row) {
        return row.getString(path);
    }
}
