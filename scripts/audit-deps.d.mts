// Types of scripts/audit-deps.mjs for its test (the script itself runs under plain Node).
export declare const notRunPrefix: string;
export declare function whyNotAudited(report: unknown, stderr: string | null | undefined, status: number | null): string;
