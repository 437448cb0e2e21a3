use std::process::ExitCode;

fn main() -> ExitCode {
    courtside::cli::main()
}
