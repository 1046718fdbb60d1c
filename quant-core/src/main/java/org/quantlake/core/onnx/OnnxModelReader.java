package org.quantlake.core.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.ElemType;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.ModelException;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.proto.Onnx.AttributeProto;
import org.quantlake.core.onnx.proto.Onnx.GraphProto;
import org.quantlake.core.onnx.proto.Onnx.ModelProto;
import org.quantlake.core.onnx.proto.Onnx.NodeProto;
import org.quantlake.core.onnx.proto.Onnx.OperatorSetIdProto;
import org.quantlake.core.onnx.proto.Onnx.StringStringEntryProto;
import org.quantlake.core.onnx.proto.Onnx.TensorProto;
import org.quantlake.core.onnx.proto.Onnx.TensorShapeProto;
import org.quantlake.core.onnx.proto.Onnx.ValueInfoProto;
import org.quantlake.core.ops.OpRegistry;

/**
 * Reads an ONNX file into a {@link Graph}, trusting nothing in it. Every failure is a {@link ModelException} whose
 * message starts with the file and says what is wrong: not an ONNX file (with a hint for common look-alikes),
 * truncated, IR version or opset outside what this build supports, dims out of range, data shorter than its dims,
 * dangling references, cycles, unsupported ops (node, op type, domain, opset).
 */
public final class OnnxModelReader {
    /** Highest IR version this build's schema knows. */
    public static final long MAX_IR_VERSION = 12;
    /** Protobuf's own hard limit on a message. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private OnnxModelReader() {}

    /** Reads, validates and checks every op is supported. */
    public static Graph read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": no such file");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (size > MAX_FILE_BYTES) {
            throw new ModelException(file + ": " + size + " bytes is larger than the 2 GiB protobuf limit; store weights as external data");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return read(bytes, file.toString(), dir);
    }

    /** Reads from bytes; {@code source} names them in messages; {@code baseDir} resolves external data (may be null). */
    public static Graph read(byte[] bytes, String source, Path baseDir) {
        ModelProto model = parse(bytes, source);
        Graph g = fromProto(model, source, baseDir);
        g.validate();
        OpRegistry.checkSupported(g);
        return g;
    }

    static ModelProto parse(byte[] bytes, String source) {
        if (bytes.length == 0) throw new ModelException(source + ": empty file, not an ONNX model");
        String lookalike = lookalike(bytes);
        if (lookalike != null) throw new ModelException(source + ": not an ONNX model: " + lookalike);
        ModelProto m;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(bytes.length);
            m = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            String why = e.getMessage() != null && e.getMessage().contains("ended unexpectedly")
                    ? "the file is truncated (the protobuf message ends unexpectedly)"
                    : "the bytes are not a valid ONNX protobuf (" + e.getMessage() + ")";
            throw new ModelException(source + ": not a readable ONNX model: " + why, e);
        } catch (IOException e) {
            throw new ModelException(source + ": cannot parse: " + e.getMessage(), e);
        }
        // A file cut at a field boundary still parses: a model cut before its graph, or between the graph and the
        // opset_import exporters write after it, is only recognisable by what is missing.
        if (!m.hasGraph() || m.getIrVersion() <= 0) {
            throw new ModelException(source + ": not an ONNX model, or a truncated one (no graph or no IR version; "
                    + "the bytes parse as protobuf but do not describe a whole model)");
        }
        if (m.getIrVersion() > MAX_IR_VERSION) {
            throw new ModelException(source + ": IR version " + m.getIrVersion() + " is newer than this build supports (<= " + MAX_IR_VERSION + ")");
        }
        if (m.getOpsetImportCount() == 0) {
            throw new ModelException(source + ": the model declares no opset_import: the file is truncated, or it is an "
                    + "IR version " + m.getIrVersion() + " model of the implied opset 1, which is not supported ("
                    + OpRegistry.MIN_OPSET + " to " + OpRegistry.MAX_OPSET + ")");
        }
        return m;
    }

    /** Recognises files people mistake for ONNX models. */
    private static String lookalike(byte[] b) {
        if (startsWith(b, 'P', 'K', 3, 4)) return "it is a zip archive (a PyTorch .pt/.pth checkpoint? export it with torch.onnx.export)";
        if (startsWith(b, 0x89, 'P', 'N', 'G')) return "it is a PNG image";
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) return "it is a JPEG image";
        if (startsWith(b, 0x80) && b.length > 1 && (b[1] & 0xFF) <= 5) return "it looks like a Python pickle";
        if (startsWith(b, 'P', 'A', 'R', '1')) return "it is a Parquet file";
        if (startsWith(b, '{') || startsWith(b, '<') || startsWith(b, '#')) return "it is a text file";
        if (startsWith(b, 0x1F, 0x8B)) return "it is gzip-compressed; decompress it first";
        return null;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((b[i] & 0xFF) != prefix[i]) return false;
        return true;
    }

    static Graph fromProto(ModelProto m, String source, Path baseDir) {
        Graph g = new Graph().setSource(source).setIrVersion(m.getIrVersion()).setProducer(m.getProducerName(), m.getProducerVersion());
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            String domain = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
            g.opsets().put(domain, (int) Math.min(Integer.MAX_VALUE, o.getVersion()));
        }
        if (m.getOpsetImportCount() == 0) g.opsets().put("", 1);  // IR < 3 models implied opset 1
        for (StringStringEntryProto e : m.getMetadataPropsList()) g.metadata().put(e.getKey(), e.getValue());
        GraphProto gp = m.getGraph();
        g.setName(gp.getName().isEmpty() ? "graph" : gp.getName());
        if (gp.getSparseInitializerCount() > 0) throw new ModelException(source + ": sparse initializers are not supported");
        for (TensorProto t : gp.getInitializerList()) {
            if (t.getName().isEmpty()) throw new ModelException(source + ": an initializer has no name");
            if (g.initializers().containsKey(t.getName())) throw new ModelException(source + ": initializer '" + t.getName() + "' is defined twice");
            g.addInitializer(t.getName(), TensorProtos.toTensorData(t, source + ": initializer '" + t.getName() + "'", baseDir));
        }
        for (ValueInfoProto v : gp.getInputList()) {
            // exporters before IR 4 list initializers as inputs too; those are constants, not runtime inputs
            if (!g.initializers().containsKey(v.getName())) g.addInput(valueInfo(v, source + ": input '" + v.getName() + "'"));
        }
        for (ValueInfoProto v : gp.getOutputList()) g.addOutput(valueInfo(v, source + ": output '" + v.getName() + "'"));
        for (ValueInfoProto v : gp.getValueInfoList()) g.valueInfos().put(v.getName(), valueInfo(v, source + ": value '" + v.getName() + "'"));
        Set<String> names = new HashSet<>();
        int index = 0;
        for (NodeProto np : gp.getNodeList()) {
            String name = np.getName();
            if (name.isEmpty() || names.contains(name)) {
                String base = (name.isEmpty() ? np.getOpType() : name) + "_" + index;
                name = base;
                for (int k = 1; names.contains(name); k++) name = base + "_" + k;
            }
            names.add(name);
            g.addNode(node(np, name, source, baseDir));
            index++;
        }
        return g;
    }

    private static Node node(NodeProto np, String name, String source, Path baseDir) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (AttributeProto a : np.getAttributeList()) {
            attrs.put(a.getName(), attribute(a, source + ": node '" + name + "' attribute '" + a.getName() + "'", baseDir));
        }
        return new Node(name, np.getOpType(), np.getDomain(), np.getInputList(), np.getOutputList(), attrs);
    }

    private static Attribute attribute(AttributeProto a, String what, Path baseDir) {
        AttributeProto.AttributeType type = a.getType();
        if (type == AttributeProto.AttributeType.UNDEFINED) {
            // IR 1 attributes carry no type: infer it from the field that is set
            if (a.hasF()) type = AttributeProto.AttributeType.FLOAT;
            else if (a.hasI()) type = AttributeProto.AttributeType.INT;
            else if (a.hasS()) type = AttributeProto.AttributeType.STRING;
            else if (a.hasT()) type = AttributeProto.AttributeType.TENSOR;
            else if (a.getFloatsCount() > 0) type = AttributeProto.AttributeType.FLOATS;
            else if (a.getIntsCount() > 0) type = AttributeProto.AttributeType.INTS;
            else if (a.getStringsCount() > 0) type = AttributeProto.AttributeType.STRINGS;
        }
        String n = a.getName();
        return switch (type) {
            case FLOAT -> Attribute.of(n, a.getF());
            case INT -> Attribute.of(n, a.getI());
            case STRING -> Attribute.of(n, a.getS().toStringUtf8());
            case TENSOR -> Attribute.of(n, TensorProtos.toTensorData(a.getT(), what, baseDir));
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) f[i] = a.getFloats(i);
                yield Attribute.of(n, f);
            }
            case INTS -> {
                long[] l = new long[a.getIntsCount()];
                for (int i = 0; i < l.length; i++) l[i] = a.getInts(i);
                yield Attribute.of(n, l);
            }
            case STRINGS -> {
                List<String> s = new ArrayList<>();
                for (var b : a.getStringsList()) s.add(b.toStringUtf8());
                yield Attribute.of(n, s);
            }
            default -> throw new ModelException(what + " has type " + type + ", which is not supported (graph, sparse tensor or type attributes)");
        };
    }

    private static ValueInfo valueInfo(ValueInfoProto v, String what) {
        if (!v.hasType() || !v.getType().hasTensorType()) {
            return new ValueInfo(v.getName(), ElemType.UNDEFINED, null, null);
        }
        var tt = v.getType().getTensorType();
        ElemType type = ElemType.fromOnnx(tt.getElemType());
        if (!tt.hasShape()) return new ValueInfo(v.getName(), type, null, null);
        List<TensorShapeProto.Dimension> ds = tt.getShape().getDimList();
        int[] dims = new int[ds.size()];
        String[] params = new String[ds.size()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = ds.get(i);
            if (d.hasDimValue()) {
                long val = d.getDimValue();
                if (val < 0 || val > TensorProtos.MAX_ELEMENTS) {
                    throw new ModelException(what + " declares dim " + val + " at index " + i + ", outside [0, 2^31-1]");
                }
                dims[i] = (int) val;
            } else {
                dims[i] = -1;
                params[i] = d.hasDimParam() ? d.getDimParam() : null;
            }
        }
        return new ValueInfo(v.getName(), type, dims, params);
    }
}
