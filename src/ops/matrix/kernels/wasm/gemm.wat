;; Double-precision GEMM micro-kernels with WebAssembly SIMD (f64x2), assembled to gemm.wasm by
;; scripts/build-wasm.mjs at build time. The caller (gemm-wasm.ts) lays the operands out in this
;; module's memory:
;;   ap: A packed in 4-row strips: strip s holds, for kk = 0..k-1, the 4 values A[4s..4s+4, kk]
;;   bp: B packed in 4-column strips: strip t holds, for kk = 0..k-1, the 4 values B[kk, 4t..4t+4]
;;   cp: C row-major, m4 x n4 (both multiples of 4); gemm adds A*B to it.
;; Loop order (GotoBLAS style): k in panels of KC, rows in blocks of MC; for each 4-column strip of
;; B (KC x 4, 8 KiB, stays in L1) every 4-row strip of the A block (MC x KC, 128 KiB, in L2) streams
;; past it, and a 4 x 4 tile of C is accumulated in eight f64x2 registers across the whole panel.
(module
  (memory (export "memory") 1)

  ;; C[tile] += sum over kc of (4 values of A) outer (4 values of B); ldc in bytes.
  (func $micro (param $a i32) (param $b i32) (param $c i32) (param $kc i32) (param $ldc i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $end i32) (local $row i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 5))))
    (block $done
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (loop $k
        (local.set $b0 (v128.load offset=0 (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load64_splat offset=0 (local.get $a)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=8 (local.get $a)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=16 (local.get $a)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load64_splat offset=24 (local.get $a)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br_if $k (i32.lt_u (local.get $a) (local.get $end)))))
    (local.set $row (local.get $c))
    (v128.store offset=0 (local.get $row) (f64x2.add (v128.load offset=0 (local.get $row)) (local.get $c00)))
    (v128.store offset=16 (local.get $row) (f64x2.add (v128.load offset=16 (local.get $row)) (local.get $c01)))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store offset=0 (local.get $row) (f64x2.add (v128.load offset=0 (local.get $row)) (local.get $c10)))
    (v128.store offset=16 (local.get $row) (f64x2.add (v128.load offset=16 (local.get $row)) (local.get $c11)))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store offset=0 (local.get $row) (f64x2.add (v128.load offset=0 (local.get $row)) (local.get $c20)))
    (v128.store offset=16 (local.get $row) (f64x2.add (v128.load offset=16 (local.get $row)) (local.get $c21)))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store offset=0 (local.get $row) (f64x2.add (v128.load offset=0 (local.get $row)) (local.get $c30)))
    (v128.store offset=16 (local.get $row) (f64x2.add (v128.load offset=16 (local.get $row)) (local.get $c31))))

  ;; C (m4 x n4, row-major) += A (packed, m4 x k) * B (packed, k x n4); kcPanel, mcBlock from the caller.
  (func (export "gemm") (param $ap i32) (param $bp i32) (param $cp i32) (param $m4 i32) (param $n4 i32) (param $k i32)
      (param $kcPanel i32) (param $mcBlock i32)
    (local $k0 i32) (local $kc i32) (local $i0 i32) (local $iEnd i32) (local $j i32) (local $i i32)
    (local $ldc i32) (local $strip i32)
    (local.set $ldc (i32.shl (local.get $n4) (i32.const 3)))
    (local.set $strip (i32.shl (local.get $k) (i32.const 5)))
    (block $kDone (loop $kLoop
      (br_if $kDone (i32.ge_u (local.get $k0) (local.get $k)))
      (local.set $kc (select (local.get $kcPanel) (i32.sub (local.get $k) (local.get $k0))
        (i32.lt_u (local.get $kcPanel) (i32.sub (local.get $k) (local.get $k0)))))
      (local.set $i0 (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i0) (local.get $m4)))
        (local.set $iEnd (select (i32.add (local.get $i0) (local.get $mcBlock)) (local.get $m4)
          (i32.lt_u (i32.add (local.get $i0) (local.get $mcBlock)) (local.get $m4))))
        (local.set $j (i32.const 0))
        (block $jDone (loop $jLoop
          (br_if $jDone (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $i (local.get $i0))
          (block $rDone (loop $rLoop
            (br_if $rDone (i32.ge_u (local.get $i) (local.get $iEnd)))
            (call $micro
              (i32.add (local.get $ap) (i32.add (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (local.get $strip)) (i32.shl (local.get $k0) (i32.const 5))))
              (i32.add (local.get $bp) (i32.add (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $strip)) (i32.shl (local.get $k0) (i32.const 5))))
              (i32.add (local.get $cp) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 3))))
              (local.get $kc) (local.get $ldc))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $rLoop)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $jLoop)))
        (local.set $i0 (local.get $iEnd))
        (br $iLoop)))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
      (br $kLoop))))
)
