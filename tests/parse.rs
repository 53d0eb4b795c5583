//! The parser and printer: precedence, exact literals, every error kind, whole `.tg` files,
//! resource limits, and the round trip `parse(print(e)) == e`.
//!
//! Expected trees are written by hand in a small prefix notation (`(neg (^ x 2))`) produced by
//! [`sexp`], which is independent of the printer under test.

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use taylorgate::expr::{BinOp, Claim, ClaimOrder, CmpOp, Cond, Definitions, Expr, Func, Statement};
use taylorgate::parse::{parse_expr, parse_program, MAX_DEPTH};

/// `sigma(x) = tanh(x)`, `g(u, v) = u*v`, `c = 2`.
fn defs() -> Definitions {
    let mut d = Definitions::new();
    d.define_function(
        "sigma",
        vec!["x".into()],
        Expr::call(Func::Tanh, Expr::var("x")),
    );
    d.define_function(
        "g",
        vec!["u".into(), "v".into()],
        Expr::var("u") * Expr::var("v"),
    );
    d.define_constant("c", Expr::int(2));
    d
}

fn parse(src: &str) -> Expr {
    parse_expr(src, &defs()).unwrap_or_else(|e| panic!("`{src}` should parse:\n{e}"))
}

fn error(src: &str) -> String {
    match parse_expr(src, &defs()) {
        Ok(e) => panic!("`{src}` should not parse, got {e:?}"),
        Err(e) => e.to_string(),
    }
}

fn program_error(src: &str) -> String {
    match parse_program(src, &defs()) {
        Ok(p) => panic!("`{src}` should not parse, got {p:?}"),
        Err(e) => e.to_string(),
    }
}

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

/// Fully parenthesised prefix notation, written independently of `Display`.
fn sexp(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(sexp).collect::<Vec<_>>().join(" ");
    match e {
        Expr::Num(q) if q.is_integer() => q.numer().to_string(),
        Expr::Num(q) => format!("{}/{}", q.numer(), q.denom()),
        Expr::Pi => "pi".into(),
        Expr::E => "e".into(),
        Expr::Var(v) => v.clone(),
        Expr::Neg(a) => format!("(neg {})", sexp(a)),
        Expr::Bin(op, a, b) => {
            let op = match op {
                BinOp::Add => "+",
                BinOp::Sub => "-",
                BinOp::Mul => "*",
                BinOp::Div => "/",
                BinOp::Pow => "^",
            };
            format!("({op} {} {})", sexp(a), sexp(b))
        }
        Expr::Call(f, args) => format!("({} {})", f.name(), list(args)),
        Expr::Apply(f, args) => format!("(apply {f} {})", list(args)),
        Expr::Deriv(f, k, a) => format!("(d{k} {f} {})", sexp(a)),
        Expr::If(c, a, b) => format!(
            "(if ({} {} {}) {} {})",
            c.op.symbol(),
            sexp(&c.lhs),
            sexp(&c.rhs),
            sexp(a),
            sexp(b)
        ),
        Expr::Vector(items) => format!("[{}]", list(items)),
    }
}

#[test]
fn precedence_and_structure() {
    let table = [
        ("-x^2", "(neg (^ x 2))"),
        ("2^3^2", "(^ 2 (^ 3 2))"),
        ("a-b-c", "(- (- a b) c)"),
        ("a/b/c", "(/ (/ a b) c)"),
        ("x^-2", "(^ x (neg 2))"),
        ("lambda^-2*u", "(* (^ lambda (neg 2)) u)"),
        ("x^-2^3", "(^ x (neg (^ 2 3)))"),
        ("a+b*c", "(+ a (* b c))"),
        ("(a+b)*c", "(* (+ a b) c)"),
        ("-a*b", "(* (neg a) b)"),
        ("-(a+b)", "(neg (+ a b))"),
        ("--x", "(neg (neg x))"),
        ("a - -b", "(- a (neg b))"),
        ("(-x)^2", "(^ (neg x) 2)"),
        ("((((x))))", "x"),
        ("pi*e", "(* pi e)"),
        ("e2 + pi_1 + iffy", "(+ (+ e2 pi_1) iffy)"),
        ("c", "c"),
        ("log(x) + ln(x)", "(+ (ln x) (ln x))"),
        ("max(x, 0)", "(max x 0)"),
        ("g(u, v)", "(apply g u v)"),
        ("sigma(b + t)", "(apply sigma (+ b t))"),
        ("sigma''(0)", "(d2 sigma 0)"),
        ("tanh'''(x)", "(d3 tanh x)"),
        ("log'(x)", "(d1 ln x)"),
        (
            "if x < 0 then -x else x + 1",
            "(if (< x 0) (neg x) (+ x 1))",
        ),
        (
            "if x <= 0 then 0 else if x >= 1 then 1 else x",
            "(if (<= x 0) 0 (if (>= x 1) 1 x))",
        ),
        ("(if x > 0 then x else 0) * 2", "(* (if (> x 0) x 0) 2)"),
        (
            "2 * if x > 0 then x else 0 + 1",
            "(* 2 (if (> x 0) x (+ 0 1)))",
        ),
        ("[[1, 1], [-1, -1]]", "[[1 1] [(neg 1) (neg 1)]]"),
        ("[u, v] # trailing comment", "[u v]"),
        ("x^(10^1000)", "(^ x (^ 10 1000))"),
        ("\n  x\t+ 1\n", "(+ x 1)"),
    ];
    for (src, expected) in table {
        assert_eq!(sexp(&parse(src)), expected, "parsing `{src}`");
    }
}

/// Found by fuzzing (`fuzz/seeds/parse/unclosed-if-in-a-product`): each level of an unclosed
/// `y * (if c then a else y * (...` made the grammar parse the level below twice, 2^depth work
/// (20 levels took over 10 s). At 60 levels this test would never end; now it is refused at
/// once, with the place of the first missing `)`.
#[test]
fn unclosed_ifs_nested_in_products_are_refused_without_backtracking() {
    let src = "y * (if x > 0 then x else ".repeat(60) + "x";
    let message = error(&src);
    assert!(message.contains("1:"), "{message}");
    // An `if` still ends the operator sequence wherever it stands, and may be negated.
    let table = [
        ("-if x > 0 then x else 1", "(neg (if (> x 0) x 1))"),
        (
            "2 * -if x > 0 then x else 0 ^ 2",
            "(* 2 (neg (if (> x 0) x (^ 0 2))))",
        ),
        (
            "1 - 2 * if x > 0 then (if x > 1 then 1 else x) else 0",
            "(- 1 (* 2 (if (> x 0) (if (> x 1) 1 x) 0)))",
        ),
    ];
    for (src, expected) in table {
        assert_eq!(sexp(&parse(src)), expected, "parsing `{src}`");
    }
}

#[test]
fn decimals_are_exact() {
    let table = [
        ("0.044715", q(44715, 1_000_000)),
        ("1e-3", q(1, 1000)),
        ("2.5E+4", q(25000, 1)),
        ("1.50", q(3, 2)),
        ("007", q(7, 1)),
        ("12e2", q(1200, 1)),
        ("1e0", q(1, 1)),
        ("0.5e-1", q(1, 20)),
        ("1e-0003", q(1, 1000)),
    ];
    for (src, value) in table {
        assert_eq!(parse(src), Expr::Num(value), "parsing `{src}`");
    }
    let big = parse("1e10000");
    assert_eq!(
        big,
        Expr::Num(BigRational::from_integer(BigInt::from(10).pow(10000)))
    );
}

#[test]
fn expression_errors_name_the_problem_and_place() {
    let table: [(&str, &[&str]); 20] = [
        (
            "tahn(x)",
            &["1:1", "unknown function `tahn`; did you mean `tanh`?"],
        ),
        ("1 + sigam(x)", &["1:5", "did you mean `sigma`?"]),
        ("frobnicate(x)", &["unknown function `frobnicate`"]),
        ("min(x)", &["`min` takes 2 arguments, got 1"]),
        ("sin(x, y)", &["`sin` takes 1 argument, got 2"]),
        ("g(x)", &["`g` takes 2 arguments, got 1"]),
        ("min'(x)", &["only one-argument functions have derivatives"]),
        ("g'(x)", &["only one-argument functions have derivatives"]),
        ("tanh'(x, y)", &["takes exactly one argument"]),
        ("x'(0)", &["unknown function `x`"]),
        ("c(1)", &["`c` is a constant, not a function"]),
        (
            "tanh + 1",
            &["`tanh` is a built-in function; call it as `tanh(...)`"],
        ),
        ("sigma * 2", &["`sigma` is a function"]),
        ("x^1e999999999", &["1:3", "too large", "at most 10000"]),
        ("2x", &["1:2"]),
        ("x +", &["1:4", "expected"]),
        ("", &["1:1", "expected"]),
        ("if x < 0 then 1", &["1:16", "`else`"]),
        ("O(x)", &["1:1"]),
        ("[1, 2", &["1:6", "expected"]),
    ];
    for (src, needles) in table {
        let message = error(src);
        for needle in needles {
            assert!(
                message.contains(needle),
                "error for `{src}` should contain `{needle}`:\n{message}"
            );
        }
    }
}

#[test]
fn all_errors_are_reported() {
    let message = error("tahn(x) + min(x) + 1e99999");
    assert!(message.contains("did you mean `tanh`?"), "{message}");
    assert!(message.contains("`min` takes 2 arguments"), "{message}");
    assert!(message.contains("too large"), "{message}");
    let err = parse_expr("tahn(x) + min(x)", &defs()).unwrap_err();
    assert_eq!(err.count(), 2);
    let many = vec!["tahn(x)"; 50].join(" + ");
    let err = parse_expr(&many, &defs()).unwrap_err();
    assert_eq!(err.count(), 50);
    assert!(err.to_string().contains("and 30 more errors"));
}

#[test]
fn garbage_gives_errors() {
    let table = [
        "\u{0}\u{1}\u{ff}",
        "x = 1",
        "claim x = 1 + O(x)",
        "(((",
        ")",
        "[]",
        "f()",
        "x ** 2",
        "1..2",
        "sin x",
        "if then else",
        "ä + ö",
    ];
    for src in table {
        let message = error(src);
        assert!(
            message.contains("1:"),
            "error for `{src}` has no position:\n{message}"
        );
    }
}

const SLIDES: &str = "\
# The multiplication gate of Lin, Tegmark & Rolnick (slides' notation)
A1 = [[1, 1], [-1, -1], [1, -1], [-1, 1]]
b = 0.5

s(t) = tanh(t)   # any smooth activation with s''(b) != 0
f(u, v) = (s(b + u + v) + s(b - u - v) - s(b + u - v) - s(b - u + v)) / (4*s''(b))
fl(lambda, u, v) = lambda^-2 * f(lambda*u, lambda*v)
claim f(u, v) = u*v + O(|x|^4)
claim fl(lambda, u, v) = u*v + O(lambda^2)
claim sin(x) - x = O(x^3)
";

#[test]
fn a_whole_file() {
    let program = parse_program(SLIDES, &Definitions::new()).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<usize> = program.statements.iter().map(|s| s.line).collect();
    assert_eq!(lines, [2, 3, 5, 6, 7, 8, 9, 10]);
    let st: Vec<&Statement> = program.statements.iter().map(|s| &s.statement).collect();

    let Statement::Constant { name, value } = st[0] else {
        panic!("{:?}", st[0])
    };
    assert_eq!(name, "A1");
    assert_eq!(
        sexp(value),
        "[[1 1] [(neg 1) (neg 1)] [1 (neg 1)] [(neg 1) 1]]"
    );
    assert_eq!(
        *st[1],
        Statement::Constant {
            name: "b".into(),
            value: Expr::Num(q(1, 2))
        }
    );
    let Statement::Function { name, params, body } = st[3] else {
        panic!("{:?}", st[3])
    };
    assert_eq!(
        (name.as_str(), params.as_slice()),
        ("f", &["u".to_string(), "v".to_string()][..])
    );
    assert_eq!(
        sexp(body),
        "(/ (- (- (+ (apply s (+ (+ b u) v)) (apply s (- (- b u) v))) \
         (apply s (- (+ b u) v))) (apply s (+ (- b u) v))) (* 4 (d2 s b)))"
    );
    let uv = Expr::var("u") * Expr::var("v");
    assert_eq!(
        *st[5],
        Statement::Claim(Claim {
            lhs: Expr::Apply("f".into(), vec![Expr::var("u"), Expr::var("v")]),
            rhs: uv.clone(),
            order: ClaimOrder::Norm {
                norm_name: "x".into(),
                k: 4
            },
        })
    );
    let Statement::Claim(claim) = st[6] else {
        panic!("{:?}", st[6])
    };
    assert_eq!(
        claim.order,
        ClaimOrder::Var {
            var: "lambda".into(),
            k: 2
        }
    );
    assert_eq!(claim.rhs, uv);
    let Statement::Claim(claim) = st[7] else {
        panic!("{:?}", st[7])
    };
    assert_eq!(claim.rhs, Expr::int(0));
    assert_eq!(
        claim.order,
        ClaimOrder::Var {
            var: "x".into(),
            k: 3
        }
    );

    // Printing the program and parsing it again gives the same statements.
    let again = parse_program(&program.to_string(), &Definitions::new()).unwrap();
    let a: Vec<_> = program.statements.iter().map(|s| &s.statement).collect();
    let b: Vec<_> = again.statements.iter().map(|s| &s.statement).collect();
    assert_eq!(a, b);
}

#[test]
fn program_errors_name_the_problem_and_line() {
    let table: [(&str, &[&str]); 12] = [
        (
            "f(x) = f(x) + 1",
            &["1:8", "recursive definition: `f` refers to itself"],
        ),
        ("k = k + 1", &["recursive definition: `k` refers to itself"]),
        (
            "f(x) = h(x)\nh(x) = f(x)",
            &["1:8", "recursive definition: `f` -> `h` -> `f`"],
        ),
        (
            "f(x) = h(x)\nh(x) = k(x)\nk(x) = f(x)",
            &["recursive definition: `f` -> `h` -> `k` -> `f`"],
        ),
        (
            "f(x) = h(x)\nh(x) = x",
            &["1:8", "`h` is used before its definition on line 2"],
        ),
        ("f(x, x) = x", &["1:6", "duplicate parameter `x`"]),
        (
            "f(x) = x + y",
            &["1:12", "unknown name `y` in the definition of `f`"],
        ),
        ("f(x) = x + xx", &["did you mean `x`?"]),
        (
            "f(x) = x\n\nf(y) = y",
            &["3:1", "`f` is already defined on line 1"],
        ),
        (
            "exp(x) = x",
            &["`exp` is a built-in function and cannot be redefined"],
        ),
        ("k = 2*x", &["unknown name `x` in the definition of `k`"]),
        (
            "f(x) = x\ny = 1\nclaim f(y, 1) = 0 + O(y^2)",
            &["3:7", "`f` takes 1 argument, got 2"],
        ),
    ];
    for (src, needles) in table {
        let message = program_error(src);
        for needle in needles {
            assert!(
                message.contains(needle),
                "error for `{src}` should contain `{needle}`:\n{message}"
            );
        }
    }
    // Every error of the file, each with its own line.
    let message = program_error("f(x) = tahn(x)\n# comment\n\ng(x) = min(x)\nh(x, x) = 1\n");
    for needle in [
        "1:8",
        "did you mean `tanh`?",
        "4:8",
        "`min` takes 2",
        "5:6",
        "duplicate",
    ] {
        assert!(
            message.contains(needle),
            "missing `{needle}` in:\n{message}"
        );
    }
    // Syntax errors point into the right line, and `with_path` names the file.
    let err = parse_program("a = 1\nb = 2 +\n", &defs()).unwrap_err();
    let message = err.with_path("gate.tg").to_string();
    assert!(message.contains("gate.tg:2:8"), "{message}");
}

#[test]
fn definitions_in_scope() {
    // Parameters shadow definitions; constants from earlier lines and from `defs` may be used.
    let src = "k = 3\nh(c) = c*k + sigma(c) + g(c, 1)\nclaim h(t) = 0 + O(|t|^1)";
    let program = parse_program(src, &defs()).unwrap_or_else(|e| panic!("{e}"));
    let Statement::Function { body, .. } = &program.statements[1].statement else {
        panic!()
    };
    assert_eq!(sexp(body), "(+ (+ (* c k) (apply sigma c)) (apply g c 1))");
    // A file may redefine a library function.
    assert!(parse_program("sigma(x) = x^2", &defs()).is_ok());
    // Empty files and comment-only files are empty programs.
    for src in ["", "\n\n", "# nothing\n  # here\n"] {
        assert!(parse_program(src, &defs()).unwrap().statements.is_empty());
    }
}

#[test]
fn printing_uses_minimal_parentheses() {
    let table = [
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a/(b*c)", "a/(b*c)"),
        ("(a/b)*c", "a/b*c"),
        ("a*(b/c)", "a*(b/c)"),
        ("a^b^c", "a^b^c"),
        ("(a^b)^c", "(a^b)^c"),
        ("-x^2", "-x^2"),
        ("(-x)^2", "(-x)^2"),
        ("-(a+b)", "-(a + b)"),
        ("2^-1", "2^(-1)"),
        ("a - -b", "a - (-b)"),
        ("a*-b", "a*(-b)"),
        ("--x", "-(-x)"),
        ("-(x*y)", "-(x*y)"),
        ("(-x)*y", "-x*y"),
        ("0.044715*x", "0.044715*x"),
        ("2.5E+4", "25000"),
        ("1e-3", "0.001"),
        ("sigma''(b + 1)", "sigma''(b + 1)"),
        ("log(x)", "ln(x)"),
        ("[[1, 1], [-1, -1]]", "[[1, 1], [-1, -1]]"),
        (
            "(if x < 0 then 0 else x) + 1",
            "(if x < 0 then 0 else x) + 1",
        ),
        (
            "if x<0 then (if y<0 then 1 else 2) else if y<0 then 3 else 4",
            "if x < 0 then (if y < 0 then 1 else 2) else if y < 0 then 3 else 4",
        ),
    ];
    for (src, printed) in table {
        assert_eq!(parse(src).to_string(), printed, "printing `{src}`");
    }
    let numbers = [
        (q(1, 3), "(1/3)"),
        (q(-3, 1), "(-3)"),
        (q(-1, 2), "(-0.5)"),
        (q(-2, 3), "(-2/3)"),
        (q(1, 1024), "0.0009765625"),
        (q(0, 1), "0"),
    ];
    for (value, printed) in numbers {
        assert_eq!(Expr::Num(value).to_string(), printed);
    }
    let cond = Cond {
        lhs: Expr::var("x"),
        op: CmpOp::Ge,
        rhs: Expr::int(0),
    };
    assert_eq!(cond.to_string(), "x >= 0");
}

#[test]
fn latex() {
    let table = [
        ("x^2", r"x^{2}"),
        ("sqrt(2)/2", r"\frac{\sqrt{2}}{2}"),
        ("exp(-x)", r"e^{-x}"),
        ("ln(x)", r"\ln\left(x\right)"),
        (
            "erf(x/sqrt(2))",
            r"\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)",
        ),
        ("tanh(x)", r"\tanh\left(x\right)"),
        ("pi*e", r"\pi e"),
        ("2*3*x", r"2 \cdot 3 x"),
        ("exp(-ln(2)^2)", r"e^{-\left(\ln 2\right)^{2}}"),
        ("exp(-x^2/2)", r"e^{-x^{2}/2}"),
        ("(x/2)/(y/3)", r"\frac{x/2}{y/3}"),
        ("ln(2)*x", r"\ln\left(2\right) x"),
        ("x*ln(2)", r"x \ln 2"),
        ("(a+b)^2", r"\left(a + b\right)^{2}"),
        ("sigma''(0)", r"\sigma''\left(0\right)"),
        ("tanh''''(0)", r"\tanh^{(4)}\left(0\right)"),
        ("a*(-b)", r"a \cdot \left(-b\right)"),
        ("-(a - b)", r"-\left(a - b\right)"),
        ("0.5*x1", r"0.5 x_{1}"),
        ("abs(lambda)", r"\left|\lambda\right|"),
        ("exp(x)^2", r"\left(e^{x}\right)^{2}"),
        ("0.5^n", r"\left(0.5\right)^{n}"),
        (
            "[[1, 0], [0, 1]]",
            r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
        ),
        (
            "if x < 0 then 0 else x",
            r"\begin{cases} 0 & \text{if } x < 0 \\ x & \text{otherwise} \end{cases}",
        ),
    ];
    for (src, latex) in table {
        assert_eq!(parse(src).to_latex(), latex, "LaTeX of `{src}`");
    }
    assert_eq!(Expr::Num(q(-1, 3)).to_latex(), r"-\frac{1}{3}");
}

/// Runs `body` on a thread with a big stack (deep inputs recurse in pest and in the fold).
fn big_stack(body: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(body)
        .expect("spawn")
        .join()
        .expect("the test body panicked");
}

#[test]
fn limits_give_clean_errors() {
    big_stack(|| {
        let defs = Definitions::new();
        // 200,000 nested parentheses: refused where depth MAX_DEPTH is exceeded.
        let n = 200_000;
        let deep = format!("{}x{}", "(".repeat(n), ")".repeat(n));
        let message = parse_expr(&deep, &defs).unwrap_err().to_string();
        assert!(message.contains("too deeply nested"), "{}", &message[..200]);
        assert!(
            message.contains(&format!("1:{}", MAX_DEPTH + 1)),
            "{message}"
        );

        // A 10 MB sum.
        let long = vec!["x"; 5_000_000].join("+");
        let message = parse_expr(&long, &defs).unwrap_err().to_string();
        assert!(message.contains("too long") || message.contains("too deeply"));
        assert!(message.len() < 2000, "the message quotes the whole line");

        // A sum short enough to parse, too long to fold.
        let sum = vec!["x"; 5000].join("+");
        let message = parse_expr(&sum, &defs).unwrap_err().to_string();
        assert!(
            message.contains("too deeply nested or too long"),
            "{message}"
        );
        assert!(
            message.contains(&format!("1:{}", 2 * MAX_DEPTH)),
            "{message}"
        );

        // Operator chains the fold would recurse on.
        for src in [
            format!("{}x", "-".repeat(5000)),
            vec!["x"; 5000].join("^"),
            format!("x^{}x", "-".repeat(5000)),
            format!("{}1{}", "sin(".repeat(999), ")".repeat(999)) + "^x^x",
        ] {
            let message = parse_expr(&src, &defs).unwrap_err().to_string();
            assert!(message.contains("too deeply nested"), "{message}");
        }
        // Nested `if`s have no brackets but nest all the same.
        let ifs = "if x < 0 then 1 else ".repeat(5000) + "0";
        let message = parse_expr(&ifs, &defs).unwrap_err().to_string();
        assert!(message.contains("too deeply nested"), "{message}");

        // Exactly MAX_DEPTH levels is fine; one more is not.
        let ok = format!("{}x", "-".repeat(MAX_DEPTH - 1));
        assert!(parse_expr(&ok, &defs).is_ok());
        let too_deep = format!("{}x", "-".repeat(MAX_DEPTH));
        assert!(parse_expr(&too_deep, &defs).is_err());
        let parens = format!(
            "{}x{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(parse_expr(&parens, &defs).unwrap(), Expr::var("x"));
        let calls = format!(
            "{}x{}",
            "sin(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_expr(&calls, &defs).is_ok());

        // Huge but shallow: just literals.
        assert!(parse_expr("x^(10^1000)", &defs).is_ok());

        // Same limits in files, with the file's line numbers.
        let file = format!("a = 1\n\nb = {}1{}\n", "(".repeat(n), ")".repeat(n));
        let message = parse_program(&file, &defs).unwrap_err().to_string();
        assert!(message.contains("3:"), "{message}");
        assert!(message.contains("too deeply nested"), "{message}");
    });
}

// ---------------------------------------------------------------- round trip

fn leaf(vars: &'static [&'static str]) -> BoxedStrategy<Expr> {
    let num = (0u32..100_000, 0u32..5)
        .prop_map(|(n, k)| Expr::Num(BigRational::new(n.into(), BigInt::from(10).pow(k))));
    if vars.is_empty() {
        prop_oneof![num, Just(Expr::Pi), Just(Expr::E)].boxed()
    } else {
        prop_oneof![
            num,
            Just(Expr::Pi),
            Just(Expr::E),
            prop::sample::select(vars).prop_map(Expr::var)
        ]
        .boxed()
    }
}

/// Trees the parser can produce: non-negative decimal literals, `Neg` for minus, calls with
/// the right number of arguments, derivatives of one-argument functions.
fn tree(vars: &'static [&'static str]) -> BoxedStrategy<Expr> {
    const OPS: &[BinOp] = &[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Pow];
    const CMPS: &[CmpOp] = &[CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];
    const UNARY: &[Func] = &[
        Func::Exp,
        Func::Ln,
        Func::Sqrt,
        Func::Tanh,
        Func::Erf,
        Func::Atan,
    ];
    leaf(vars)
        .prop_recursive(6, 48, 3, move |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| -e),
                (prop::sample::select(OPS), inner.clone(), inner.clone())
                    .prop_map(|(op, a, b)| Expr::bin(op, a, b)),
                (prop::sample::select(OPS), inner.clone(), inner.clone())
                    .prop_map(|(op, a, b)| Expr::bin(op, a, b)),
                (prop::sample::select(UNARY), inner.clone()).prop_map(|(f, a)| Expr::call(f, a)),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Call(Func::Max, vec![a, b])),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::Apply("g".into(), vec![a, b])),
                (1u32..4, inner.clone()).prop_map(|(k, a)| Expr::Deriv(
                    "sigma".into(),
                    k,
                    Box::new(a)
                )),
                (1u32..3, inner.clone()).prop_map(|(k, a)| Expr::Deriv(
                    "tanh".into(),
                    k,
                    Box::new(a)
                )),
                (
                    inner.clone(),
                    prop::sample::select(CMPS),
                    inner.clone(),
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(|(l, op, r, a, b)| Expr::If(
                        Box::new(Cond { lhs: l, op, rhs: r }),
                        Box::new(a),
                        Box::new(b)
                    )),
                prop::collection::vec(inner, 1..4).prop_map(Expr::Vector),
            ]
        })
        .boxed()
}

const VARS: &[&str] = &["x", "y", "lambda"];

fn order() -> impl Strategy<Value = ClaimOrder> {
    prop_oneof![
        (0u32..10).prop_map(|k| ClaimOrder::Norm {
            norm_name: "x".into(),
            k
        }),
        (prop::sample::select(VARS), 0u32..10).prop_map(|(v, k)| ClaimOrder::Var {
            var: v.to_string(),
            k
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn expressions_round_trip(e in tree(VARS)) {
        let text = e.to_string();
        let back = parse_expr(&text, &defs()).map_err(|err| TestCaseError::fail(format!("{text}\n{err}")))?;
        prop_assert_eq!(back, e, "{}", text);
    }

    #[test]
    fn latex_never_panics(e in tree(VARS)) {
        prop_assert!(!e.to_latex().is_empty());
    }

    #[test]
    fn statements_round_trip(
        body in tree(VARS),
        value in tree(&[]),
        lhs in tree(VARS),
        rhs in tree(VARS),
        order in order(),
    ) {
        let statements = [
            Statement::Function { name: "h".into(), params: VARS.iter().map(|v| v.to_string()).collect(), body },
            Statement::Constant { name: "k".into(), value },
            Statement::Claim(Claim { lhs, rhs, order }),
        ];
        for st in statements {
            let text = st.to_string();
            let program = parse_program(&text, &defs()).map_err(|err| TestCaseError::fail(format!("{text}\n{err}")))?;
            prop_assert_eq!(program.statements.len(), 1);
            prop_assert_eq!(&program.statements[0].statement, &st, "{}", text);
        }
    }
}
