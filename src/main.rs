fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(billrecon::main(std::env::args_os()))
}
