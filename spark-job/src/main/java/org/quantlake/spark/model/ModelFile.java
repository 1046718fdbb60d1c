package org.quantlake.spark.model;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.onnx.OnnxModelReader;
import org.quantlake.spark.io.HadoopFiles;

/**
 * An ONNX model's bytes as the driver read them, with their SHA-256: the bytes are what executors receive (a
 * broadcast), the digest is what they cache compiled models under and what provenance records.
 */
public record ModelFile(String source, byte[] bytes, String sha256) {

    /** Reads {@code path} (any Hadoop path); a missing or unreadable file is a {@link ModelException} naming it. */
    public static ModelFile read(String path, Configuration conf) {
        try {
            return of(path, HadoopFiles.read(path, conf));
        } catch (IOException e) {
            throw new ModelException("cannot read model " + path + ": " + e.getMessage(), e);
        }
    }

    public static ModelFile of(String source, byte[] bytes) {
        return new ModelFile(source, bytes, sha256(bytes));
    }

    /** The graph, read and validated (external weight files are not available to executors, so none are resolved). */
    public Graph graph() {
        return OnnxModelReader.read(bytes, source, null);
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
