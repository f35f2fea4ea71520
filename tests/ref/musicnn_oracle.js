#!/usr/bin/env node
// musicnn_oracle.js — the reference for musicnn(1): essentia.js and TensorFlow.js.
//
//   node musicnn_oracle.js mel < audio.tsv
//       audio records (TSV, 16 kHz samples: segment -r 16000 -l 0 -t) -> one TSV row
//       per mel frame "<key>.<frame>\t96 values", computed by essentia.js's
//       EssentiaTFInputExtractor(EssentiaWASM, 'musicnn').compute(frame) on frames cut
//       as Essentia's FrameCutter does inside TensorflowPredictMusiCNN (frame 512,
//       hop 256, startFromZero false).  essentia.js's own computeFrameWise is not
//       used: its FrameGenerator drops silent frames, TensorflowPredictMusiCNN does not.
//   node musicnn_oracle.js net MODELDIR HOP MAXPATCHES < mel.tsv
//       mel frames (TSV "<record>.<frame>\t96 values", as musicnn -m mel writes) ->
//       per patch of 187 frames (every HOP frames, at most MAXPATCHES per record)
//       "<record>.<patch>\t<model/Sigmoid values>\t<model/dense/Relu values>", run by
//       @tensorflow/tfjs (pure JavaScript CPU backend) on MODELDIR/model.json and its
//       weight shards, unchanged.
// Floats are written with 9 significant digits (float32 exact).
'use strict';
const fs = require('fs');
const path = require('path');

function readRecords() {
	const text = fs.readFileSync(0, 'utf8');
	const recs = [];
	for (const line of text.split('\n')) {
		if (!line || line[0] === '#') continue;
		const f = line.split('\t');
		recs.push({ key: f[0], val: Float32Array.from(f.slice(1), Number) });
	}
	return recs;
}

function fmt(v) {
	return Array.from(v, (x) => Number(x).toPrecision(9).replace(/\.?0+(e|$)/, '$1')).join('\t');
}

// Essentia's FrameCutter (standard mode, startFromZero false, validFrameThresholdRatio 0)
function* frames(x) {
	const N = x.length, size = 512, hop = 256;
	let start = -(size + 1 >> 1);
	for (;;) {
		if (N === 0 || start >= N) return;
		const fr = new Float32Array(size);
		for (let i = 0; i < size; i++) {
			const j = start + i;
			if (j >= 0 && j < N) fr[i] = x[j];
		}
		yield fr;
		if (start + size > N && start + (size >> 1) >= N) return;
		start += hop;
	}
}

async function mel() {
	const { EssentiaWASM, EssentiaModel } = require('essentia.js');
	const ex = new EssentiaModel.EssentiaTFInputExtractor(EssentiaWASM, 'musicnn');
	const out = [];
	for (const r of readRecords()) {
		let k = 0;
		for (const fr of frames(r.val)) {
			const m = ex.compute(fr).melSpectrum;
			out.push(r.key + '.' + k++ + '\t' + fmt(m) + '\n');
		}
	}
	fs.writeSync(1, out.join(''));
}

async function net(dir, hop, maxp) {
	const tf = require('@tensorflow/tfjs');
	await tf.setBackend('cpu');
	const mj = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
	const specs = [], bufs = [];
	for (const g of mj.weightsManifest) {
		specs.push(...g.weights);
		for (const p of g.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
	}
	const all = Buffer.concat(bufs);
	const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
	const model = await tf.loadGraphModel(tf.io.fromMemory({
		modelTopology: mj.modelTopology, weightSpecs: specs, weightData: data,
		format: mj.format, generatedBy: mj.generatedBy, convertedBy: mj.convertedBy,
	}));
	const recs = new Map();
	for (const r of readRecords()) {
		const d = r.key.lastIndexOf('.');
		const k = r.key.slice(0, d);
		if (!recs.has(k)) recs.set(k, []);
		recs.get(k).push(r.val);
	}
	for (const [key, fr] of recs) {
		for (let p = 0, s = 0; s + 187 <= fr.length && p < maxp; p++, s += hop) {
			const x = new Float32Array(187 * 96);
			for (let t = 0; t < 187; t++) x.set(fr[s + t], t * 96);
			const input = tf.tensor(x, [1, 187, 96], 'float32');
			const [sig, emb] = model.execute({ 'model/Placeholder': input },
			    ['model/Sigmoid', 'model/dense/Relu']);
			fs.writeSync(1, key + '.' + p + '\t' + fmt(sig.dataSync()) + '\t' +
			    fmt(emb.dataSync()) + '\n');
			tf.dispose([input, sig, emb]);
		}
	}
}

const [mode, ...args] = process.argv.slice(2);
(mode === 'mel' ? mel() : mode === 'net' ? net(args[0], +args[1], +(args[2] || 1e9)) :
    Promise.reject(new Error('usage: musicnn_oracle.js mel | net MODELDIR HOP [MAXPATCHES]')))
	.catch((e) => { console.error('musicnn_oracle: ' + (e.stack || e)); process.exit(1); });
